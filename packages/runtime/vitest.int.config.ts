import { integrationProject } from '../../vitest.shared.ts';

// Serves real components over real HTTP on 127.0.0.1; no shared fixture to start first.
export default integrationProject('@spinkube/runtime', []);
