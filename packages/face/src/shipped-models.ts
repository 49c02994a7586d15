/**
 * The students that ship with the package (trained once by their documented
 * commands, see README.md "Shipped students"), as model folders inside the
 * package: `models/<name>/model.json` + shards. Node only.
 */
export const SHIPPED_FACE_MODELS = Object.freeze({
  /** The attribute student (age, gender, expression in one pass): `mobilenet-kit train face-attributes`. */
  attributes: 'attribute-student',
  /** The embedding student (face-api's recognition net distilled): `mobilenet-kit train face-distill`. */
  embedding: 'embedding-student',
} as const);

export type ShippedFaceModel = keyof typeof SHIPPED_FACE_MODELS;

/** The folder of a shipped student; an error naming the folder when the package was installed without it. */
export async function shippedFaceModelDir(name: ShippedFaceModel): Promise<string> {
  const { existsSync } = await import('node:fs');
  const path = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  // dist/ (the built package) and src/ (tests) both sit one level under the package root.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dir = path.join(here, '..', 'models', SHIPPED_FACE_MODELS[name]);
  if (!existsSync(path.join(dir, 'model.json'))) throw new Error(`the shipped ${name} student is missing: no ${path.join(dir, 'model.json')} (reinstall @mobilenet-kit/face, or pass a model folder)`);
  return dir;
}
