import { DEBIAN_CONTAINERD_FLAVOR } from './support/containerd-flavors.ts';
import { describeShimUnderContainerd } from './support/shim-under-containerd.ts';

describeShimUnderContainerd(DEBIAN_CONTAINERD_FLAVOR);
