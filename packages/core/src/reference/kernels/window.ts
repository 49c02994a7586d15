import { samePadding } from '../../ops/checks';
import type { Padding } from '../../types';

/** Where the windows of a sliding-window op fall along one axis. */
export interface WindowAxis {
  readonly out: number;
  /** Padding before the first pixel: window `o` starts at input index `o·stride − padBefore`. */
  readonly padBefore: number;
}

/** TF geometry: 'same' gives `ceil(in / stride)` outputs, the extra padding pixel going after; 'valid' pads nothing. */
export function windowAxis(size: number, kernel: number, stride: number, padding: Padding): WindowAxis {
  if (padding === 'same') return { out: Math.ceil(size / stride), padBefore: samePadding(size, kernel, stride)[0] };
  return { out: Math.floor((size - kernel) / stride) + 1, padBefore: 0 };
}
