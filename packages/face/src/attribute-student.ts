import { type Graph, GraphBuilder } from '@mobilenet-kit/core';
import { FaceOptionError, checkKnownOptions } from './errors';
import { AGE_OUTPUT, GENDER_LABELS, GENDER_OUTPUT } from './face-api/age-gender-net-graph';
import { EXPRESSION_LABELS, EXPRESSION_OUTPUT } from './face-api/expression-net-graph';
import { type StudentInitialization, faceStudentBackbone, initializeStudentFromDetector, readDetectorWeights } from './student';

/**
 * The output the attribute student is trained on: `[n, 10]` = age (years),
 * the two gender logits and the seven expression logits, side by side
 * (ATTRIBUTE_VECTOR's layout, with logits where the teachers give probabilities).
 */
export const ATTRIBUTE_LOGITS_OUTPUT = 'attribute_logits';

/**
 * The layout of an attribute vector: what the teachers give for a face as
 * one row (distillation targets) and what the student is trained to produce.
 */
export const ATTRIBUTE_VECTOR = Object.freeze({ age: 0, gender: 1, expression: 1 + GENDER_LABELS.length, length: 1 + GENDER_LABELS.length + EXPRESSION_LABELS.length });

export interface AttributeStudentOptions {
  /** Input size, a multiple of 16 in 96…224. Default 128. */
  resolution?: number;
  /** Width multiplier α in (0, 1]. Default 0.5. */
  alpha?: number;
}

const WHERE = 'attributeStudentGraph';

/**
 * The attribute student (PAPER.md, Table 12: a MobileNet distilled from a
 * larger attribute classifier): the face students' backbone (face-api's
 * detector layout, so its pretrained weights carry over), a global average
 * pool and three dense heads under `attribute_head/`: age (1, linear),
 * gender (2) and expression (7), with softmax outputs `gender` and
 * `expression` as face-api's teachers have, `age`, and the training output
 * `attribute_logits`. One pass per face answers all three.
 */
export function attributeStudentGraph(options: AttributeStudentOptions = {}): Graph {
  if (options === null || typeof options !== 'object') throw new FaceOptionError(WHERE, 'options', options, 'expected { resolution, alpha }');
  checkKnownOptions(WHERE, options, ['resolution', 'alpha']);
  const resolution = options.resolution ?? 128;
  if (!Number.isInteger(resolution) || resolution % 16 !== 0 || resolution < 96 || resolution > 224) throw new FaceOptionError(WHERE, 'resolution', resolution, 'expected a multiple of 16 in 96…224');
  const alpha = options.alpha ?? 0.5;
  const backbone = faceStudentBackbone(WHERE, resolution, alpha);
  const b = new GraphBuilder(`face_attribute_student_${alpha.toFixed(2)}_${resolution}`, backbone);
  const pooled = b.add('attribute_head/global_pool', 'globalAvgPool', [backbone.outputs[0]!.node], {});
  const age = b.add('attribute_head/age', 'dense', [pooled], { units: 1, useBias: true });
  const gender = b.add('attribute_head/gender', 'dense', [pooled], { units: GENDER_LABELS.length, useBias: true });
  const expression = b.add('attribute_head/expression', 'dense', [pooled], { units: EXPRESSION_LABELS.length, useBias: true });
  b.output(age, AGE_OUTPUT);
  b.output(b.add('attribute_head/gender_softmax', 'activation', [gender], { fn: 'softmax' }), GENDER_OUTPUT);
  b.output(b.add('attribute_head/expression_softmax', 'activation', [expression], { fn: 'softmax' }), EXPRESSION_OUTPUT);
  b.output(b.add('attribute_head/logits', 'concat', [age, gender, expression], { axis: -1 }), ATTRIBUTE_LOGITS_OUTPUT);
  return b.build();
}

export interface CreateAttributeStudentOptions extends AttributeStudentOptions {
  /** Seed of the heads' initialization. Default 0. */
  seed?: number;
  /** Folder holding face-api's SSD MobileNetV1 manifest and .bin. Default: `model/` of the installed @vladmandic/face-api. */
  detectorModelDir?: string;
}

/** Builds an attribute student with its backbone initialized from face-api's pretrained face detector (local files). Node only. */
export async function createAttributeStudent(options: CreateAttributeStudentOptions = {}): Promise<StudentInitialization & { readonly graph: Graph }> {
  const { seed = 0, detectorModelDir, ...graphOptions } = options;
  const graph = attributeStudentGraph(graphOptions);
  return { graph, ...initializeStudentFromDetector(graph, await readDetectorWeights('createAttributeStudent', detectorModelDir), seed) };
}
