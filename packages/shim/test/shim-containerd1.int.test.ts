import { CONTAINERD_1_FLAVOR } from './support/containerd-flavors.ts';
import { describeShimUnderContainerd } from './support/shim-under-containerd.ts';

describeShimUnderContainerd(CONTAINERD_1_FLAVOR);
