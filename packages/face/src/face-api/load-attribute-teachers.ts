import { type AttributePredictor, type AttributePredictorOptions, createAttributePredictor } from '../face-attributes';
import { FACE_API_AGE_GENDER_MANIFEST, FACE_API_EXPRESSION_MANIFEST, type ImportedFaceApiNet, importFaceApiAttributeWeights } from './import-attribute-weights';
import { FACE_API_RECOGNITION_DIVISOR, FACE_API_RECOGNITION_MEAN_RGB } from './recognition-net-graph';

export interface LoadFaceApiAttributeTeachersOptions {
  /** Backend name in core's registry (`cpu`, `wasm`, …); required. */
  backend: string;
  /** Folder holding face-api's age_gender_model and face_expression_model manifests and .bin files. Default: `model/` of the installed @vladmandic/face-api. */
  modelDir?: string;
  compileOptions?: AttributePredictorOptions['compileOptions'];
}

/** Reads face-api's two attribute nets from local files as our IR graphs and weights (the teachers of the attribute student). */
export async function importFaceApiAttributeTeachers(modelDir?: string): Promise<{ ageGender: ImportedFaceApiNet; expression: ImportedFaceApiNet }> {
  const caller = 'loadFaceApiAttributeTeachers';
  const { findFaceApiModelDir, readFaceApiManifest } = await import('@mobilenet-kit/detection');
  const dir = modelDir ?? (await findFaceApiModelDir({ caller, weights: "face-api's age/gender and expression weights", files: `${FACE_API_AGE_GENDER_MANIFEST}, ${FACE_API_EXPRESSION_MANIFEST} and their .bin files` }));
  const read = async (net: 'ageGender' | 'expression', file: string) => {
    const { manifest, manifestPath, readShard } = await readFaceApiManifest(caller, dir, file);
    return importFaceApiAttributeWeights(net, manifest, readShard, manifestPath);
  };
  return { ageGender: await read('ageGender', FACE_API_AGE_GENDER_MANIFEST), expression: await read('expression', FACE_API_EXPRESSION_MANIFEST) };
}

/**
 * face-api's AgeGenderNet and FaceExpressionNet, compiled on the named
 * backend as one predictor (two passes per face, as face-api runs them):
 * 112×112 crops in, age, gender and expression out. Node only (reads files).
 */
export async function loadFaceApiAttributeTeachers(options: LoadFaceApiAttributeTeachersOptions): Promise<AttributePredictor> {
  if (!options || typeof options.backend !== 'string') throw new Error('loadFaceApiAttributeTeachers: options.backend is required (e.g. "wasm" or "cpu", registered with core)');
  const { ageGender, expression } = await importFaceApiAttributeTeachers(options.modelDir);
  return createAttributePredictor([ageGender, expression], {
    backend: options.backend,
    normalize: { meanRgb: FACE_API_RECOGNITION_MEAN_RGB, divisor: FACE_API_RECOGNITION_DIVISOR },
    ...(options.compileOptions ? { compileOptions: options.compileOptions } : {}),
  });
}
