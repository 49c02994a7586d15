import { ModelFormatError } from '@mobilenet-kit/core';

/** tfjs's two model.json formats, and the importer that reads each. */
const IMPORTER = { 'layers-model': 'importTfjsLayers', 'graph-model': 'importTfjsGraph' } as const;
export type TfjsModelFormat = keyof typeof IMPORTER;

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const KIND: Record<TfjsModelFormat, string> = { 'layers-model': 'layers model', 'graph-model': 'graph model' };

/**
 * A tfjs model.json (its text or its parsed value) as an object of the
 * expected format: the other tfjs format names the importer that reads it;
 * a missing "format" is taken as the expected one (older converters wrote none).
 */
export function readTfjsModelJson(modelJson: unknown, expected: TfjsModelFormat, file: string): Record<string, unknown> {
  let doc = modelJson;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch (e) {
      throw new ModelFormatError(`not valid JSON: ${(e as Error).message}`, { file });
    }
  }
  if (!isRecord(doc)) throw new ModelFormatError(`a tfjs ${KIND[expected]} model.json is an object { format, modelTopology, weightsManifest }`, { file });
  const other = (Object.keys(IMPORTER) as TfjsModelFormat[]).find((f) => f !== expected)!;
  if (doc.format === other) throw new ModelFormatError(`is a tfjs ${KIND[other]} ("format": "${other}"), not a ${KIND[expected]}: use ${IMPORTER[other]}`, { file });
  if (doc.format !== undefined && doc.format !== expected) throw new ModelFormatError(`"format" is ${JSON.stringify(doc.format)}, expected "${expected}"`, { file });
  return doc;
}
