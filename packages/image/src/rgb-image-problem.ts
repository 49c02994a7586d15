/**
 * Checks that `image` is a well-formed RgbImage: integer width and height
 * ≥ 1 and a Uint8Array of width·height·3 bytes. Returns undefined when it is,
 * otherwise what was given, for an error message (`2×2 with 5 bytes`).
 * Callers throw their own error type with it.
 */
export function rgbImageProblem(image: unknown): string | undefined {
  const candidate = image as { width?: unknown; height?: unknown; data?: unknown } | null;
  const ok =
    candidate !== null &&
    typeof candidate === 'object' &&
    Number.isInteger(candidate.width) &&
    Number.isInteger(candidate.height) &&
    (candidate.width as number) > 0 &&
    (candidate.height as number) > 0 &&
    candidate.data instanceof Uint8Array &&
    candidate.data.length === (candidate.width as number) * (candidate.height as number) * 3;
  if (ok) return undefined;
  return candidate && typeof candidate === 'object'
    ? `${candidate.width}×${candidate.height} with ${(candidate.data as Uint8Array | undefined)?.length} bytes`
    : String(image);
}
