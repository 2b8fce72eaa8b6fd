import { describeSpinPods } from './support/spin-pods-suite.ts';

// containerd v1.7: the first 1.x line that hands a Spin artifact's wasm layers to the shim.
describeSpinPods('v1');
