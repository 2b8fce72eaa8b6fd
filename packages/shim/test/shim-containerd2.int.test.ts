import { CONTAINERD_2_FLAVOR } from './support/containerd-flavors.ts';
import { describeShimUnderContainerd } from './support/shim-under-containerd.ts';

describeShimUnderContainerd(CONTAINERD_2_FLAVOR);
