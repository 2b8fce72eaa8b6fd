import { integrationProject } from '../../vitest.shared.ts';

// No shared fixture: each test file starts its own containerd (own dirs, sockets and namespace), so files
// may run in parallel without seeing each other.
export default integrationProject('@spinkube/shim', []);
