import { describeSpinPods } from './support/spin-pods-suite.ts';

// containerd v2.2: what kind and current clusters run.
describeSpinPods('v2');
