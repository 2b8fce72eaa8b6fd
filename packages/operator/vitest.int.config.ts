import { integrationProject } from '../../vitest.shared.ts';

// One local cluster for the run, with SpinKube's CRDs installed; each test file works in its own namespace.
export default integrationProject('@spinkube/spin-operator', ['./test/global-setup.ts']);
