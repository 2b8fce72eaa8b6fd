import { integrationProject } from '../../vitest.shared.ts';

// Pushes to a real registry (Debian's docker-registry) that each test file starts on 127.0.0.1.
export default integrationProject('@spinkube/image-builder', []);
