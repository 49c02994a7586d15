/**
 * Light augmentation on byte canvases (`size² × channels`, row-major HWC):
 * a random crop of the image padded by `pad` black pixels on every side
 * (a random shift of up to `pad` pixels, the standard CIFAR recipe) and a
 * horizontal flip with probability 1/2. `random` returns uniform [0, 1).
 */
export interface AugmentSettings {
  /** Shift range in pixels (0: no crop). */
  readonly pad: number;
  readonly flip: boolean;
}

export function augmentCanvas(src: Uint8Array, dst: Uint8Array, size: number, channels: number, settings: AugmentSettings, random: () => number): void {
  const dy = settings.pad > 0 ? Math.floor(random() * (2 * settings.pad + 1)) - settings.pad : 0;
  const dx = settings.pad > 0 ? Math.floor(random() * (2 * settings.pad + 1)) - settings.pad : 0;
  const flip = settings.flip && random() < 0.5;
  for (let y = 0; y < size; y++) {
    const sy = y + dy;
    for (let x = 0; x < size; x++) {
      const sxUnflipped = x + dx;
      const sx = flip ? size - 1 - sxUnflipped : sxUnflipped;
      const o = (y * size + x) * channels;
      if (sy < 0 || sy >= size || sx < 0 || sx >= size) {
        for (let c = 0; c < channels; c++) dst[o + c] = 0;
      } else {
        const i = (sy * size + sx) * channels;
        for (let c = 0; c < channels; c++) dst[o + c] = src[i + c]!;
      }
    }
  }
}
