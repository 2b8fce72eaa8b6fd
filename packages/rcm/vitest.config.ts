import { packageProject } from '../../vitest.shared.ts';

export default packageProject('@spinkube/runtime-class-manager');
