import { packageProject } from '../../vitest.shared.ts';

export default packageProject('@spinkube/api', { globalSetup: ['./test/kubernetes-openapi-setup.ts'] });
