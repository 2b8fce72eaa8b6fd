import { e2eProject } from '../vitest.shared.ts';

// Each file starts its own cluster with a real node (root: network namespaces, cgroups, containerd).
export default e2eProject('@spinkube/e2e');
