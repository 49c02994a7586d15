export { registerTrainingKernels } from './training/gradient-kernels';
