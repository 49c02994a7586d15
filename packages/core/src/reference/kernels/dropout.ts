import type { Kernel } from './kernel';

/** Identity: dropout only acts in training. */
export const dropoutKernel: Kernel<'dropout'> = (_node, [x]) => x!;
