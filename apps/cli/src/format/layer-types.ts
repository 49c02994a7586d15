import type { LayerType } from '@mobilenet-kit/core';

export type CostedLayerType = Exclude<LayerType, 'other'>;

/** Table 2's row order and wording (ASCII x for ×); 'conv' holds every standard conv that is not 1×1. */
export const LAYER_TYPE_ROWS: readonly { readonly type: CostedLayerType; readonly label: string }[] = [
  { type: 'pointwise', label: 'Conv 1x1' },
  { type: 'depthwise', label: 'Conv DW 3x3' },
  { type: 'conv', label: 'Conv 3x3' },
  { type: 'dense', label: 'Fully Connected' },
];
