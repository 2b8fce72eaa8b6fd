import { integrationProject } from '../../vitest.shared.ts';

// One cluster per test run, shared by the integration files; each file works in a namespace of its own.
export default integrationProject('@spinkube/test-cluster', ['./test/global-setup.ts']);
