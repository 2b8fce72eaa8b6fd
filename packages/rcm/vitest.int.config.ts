import { integrationProject } from '../../vitest.shared.ts';

// One local cluster for the run with SpinKube's CRDs; the manager under test is started by each test file.
export default integrationProject('@spinkube/runtime-class-manager', ['./test/global-setup.ts']);
