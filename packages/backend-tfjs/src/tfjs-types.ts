import type * as tfc from '@tensorflow/tfjs-core';
import type * as tflayers from '@tensorflow/tfjs-layers';

/**
 * The tfjs namespaces are passed in rather than imported, so that an app
 * keeps exactly one copy of tfjs (the one it imported its backends into).
 * These are type-only imports: nothing of tfjs is loaded by this package.
 */
export type Tfjs = typeof tfc;
export type TfjsLayers = typeof tflayers;
export type Tensor = tfc.Tensor;
export type Tensor4D = tfc.Tensor4D;
