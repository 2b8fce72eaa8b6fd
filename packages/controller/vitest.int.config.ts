import { integrationProject } from '../../vitest.shared.ts';

// One local cluster for the run (its own name, so it never collides with other packages' clusters).
export default integrationProject('@spinkube/controller', ['./test/global-setup.ts']);
