import type { RgbImage } from '@mobilenet-kit/image';
import type * as tfc from '@tensorflow/tfjs-core';
import { ATTRIBUTE_LOGITS_OUTPUT, ATTRIBUTE_VECTOR } from '../attribute-student';
import type { Embedder } from '../embedder';
import { FaceOptionError } from '../errors';
import type { AttributePredictor, FaceAttributes } from '../face-attributes';
import { EXPRESSION_LABELS } from '../face-api/expression-net-graph';
import { GENDER_LABELS } from '../face-api/age-gender-net-graph';
import { type DistillSet, IDENTITY_AUGMENTATION, renderDistillView, renderView } from './distill-set';
import { type DistillStudentOptions, shuffledBatches } from './distill-trainer';
import { type TrainEmbeddingResult, trainEmbedding } from './embedding-trainer';

/** One face's attributes as a row in ATTRIBUTE_VECTOR's layout (age, gender probabilities, expression probabilities). */
export function attributeVector(a: FaceAttributes): Float32Array {
  const v = new Float32Array(ATTRIBUTE_VECTOR.length);
  v[ATTRIBUTE_VECTOR.age] = a.age;
  GENDER_LABELS.forEach((g, k) => {
    v[ATTRIBUTE_VECTOR.gender + k] = a.gender.probabilities[g];
  });
  EXPRESSION_LABELS.forEach((e, k) => {
    v[ATTRIBUTE_VECTOR.expression + k] = a.expression.probabilities[e];
  });
  return v;
}

/**
 * An attribute predictor seen as an embedder whose "descriptor" is the
 * attribute vector, so that the distillation set (views, split, cache)
 * holds the attribute teachers' answers for every view.
 */
export function attributeTeacherEmbedder(teacher: AttributePredictor): Embedder {
  return {
    backend: teacher.backend,
    inputSize: teacher.inputSize,
    dimensions: ATTRIBUTE_VECTOR.length,
    embed: async (crops) => (await teacher.predict(crops)).map(attributeVector),
    dispose: () => teacher.dispose(),
  };
}

/**
 * The same faces, split and views, labelled by another teacher: every face's
 * canonical crop and every view is rendered at the teacher's input size and
 * given its answer. The attribute student is distilled on the face
 * embedding's set, so that its held-out faces are the same never-trained-on faces.
 */
export async function relabelDistillSet(set: DistillSet, teacher: Embedder, onProgress?: (done: number, total: number) => void): Promise<DistillSet> {
  const views = [...set.trainViews, ...set.heldOutViews];
  const images = [...set.faces.map((f) => renderView(f, IDENTITY_AUGMENTATION, teacher.inputSize)), ...views.map((v) => renderDistillView(set.faces, v, teacher.inputSize))];
  const out: Float32Array[] = [];
  for (let i = 0; i < images.length; i += 16) {
    out.push(...(await teacher.embed(images.slice(i, i + 16))));
    onProgress?.(out.length, images.length);
  }
  const faces = set.faces.map((f, i) => ({ ...f, teacher: out[i]! }));
  const labelled = views.map((v, i) => ({ ...v, teacher: out[set.faces.length + i]! }));
  return { ...set, faces, trainViews: labelled.slice(0, set.trainViews.length), heldOutViews: labelled.slice(set.trainViews.length) };
}

/** How the three answers weigh in the attribute loss; see attributeDistillationLoss. */
export interface AttributeLossSettings {
  /** Temperature of the soft targets for gender and expression (Hinton et al. 2015); the KL terms are multiplied by T² so their gradients keep their scale. */
  readonly temperature: number;
  /** Weights of the age, gender and expression terms. */
  readonly age: number;
  readonly gender: number;
  readonly expression: number;
  /** Years that count as one unit of the age term: (Δage / ageScale)². */
  readonly ageScale: number;
}

/** Defaults: T = 2, every term weighted 1, age in units of 10 years (a 10-year miss costs as much as a wrong confident expression). */
export const ATTRIBUTE_LOSS_DEFAULTS: AttributeLossSettings = Object.freeze({ temperature: 2, age: 1, gender: 1, expression: 1, ageScale: 10 });

/** Teacher probabilities softened with temperature T: p^(1/T) renormalized, i.e. softmax(logits / T). */
export function softenProbabilities(p: ArrayLike<number>, temperature: number): Float32Array {
  const out = Float32Array.from(p, (x) => Math.max(x, 1e-12) ** (1 / temperature));
  const sum = out.reduce((a, b) => a + b, 0);
  return out.map((x) => x / sum);
}

/**
 * The student's loss on a batch: `logits` [n, 10] (ATTRIBUTE_LOGITS_OUTPUT)
 * against `targets` [n, 10] (age, then the teachers' soft gender and
 * expression probabilities at the temperature, softenProbabilities):
 * w_age·mean((Δage / ageScale)²) + T²·(w_gender·CE_gender + w_expression·CE_expression),
 * CE the cross-entropy of the student's log-softmax(logits / T) under the
 * soft targets (the KL divergence up to the targets' own entropy).
 */
export function attributeDistillationLoss(tf: typeof tfc, logits: tfc.Tensor2D, targets: tfc.Tensor2D, s: AttributeLossSettings): tfc.Scalar {
  return tf.tidy(() => {
    const n = logits.shape[0];
    const part = (x: tfc.Tensor2D, begin: number, size: number) => tf.slice(x, [0, begin], [n, size]);
    const ageLoss = tf.mean(tf.square(tf.div(tf.sub(part(logits, ATTRIBUTE_VECTOR.age, 1), part(targets, ATTRIBUTE_VECTOR.age, 1)), s.ageScale)));
    const crossEntropy = (begin: number, size: number) => {
      const logQ = tf.logSoftmax(tf.div(part(logits, begin, size), s.temperature));
      return tf.mean(tf.neg(tf.sum(tf.mul(part(targets, begin, size), logQ), 1)));
    };
    const t2 = s.temperature * s.temperature;
    const gender = crossEntropy(ATTRIBUTE_VECTOR.gender, GENDER_LABELS.length);
    const expression = crossEntropy(ATTRIBUTE_VECTOR.expression, EXPRESSION_LABELS.length);
    return tf.addN([tf.mul(s.age, ageLoss), tf.mul(s.gender * t2, gender), tf.mul(s.expression * t2, expression)]) as tfc.Scalar;
  });
}

/** Softmax of a slice of a row, on the host. */
function softmaxOf(row: ArrayLike<number>, begin: number, size: number): number[] {
  const xs = Array.from({ length: size }, (_, k) => row[begin + k]!);
  const max = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

/** The student's attribute vector (probabilities) from its logits row. */
export function attributeVectorFromLogits(logits: ArrayLike<number>): Float32Array {
  return Float32Array.from([logits[ATTRIBUTE_VECTOR.age]!, ...softmaxOf(logits, ATTRIBUTE_VECTOR.gender, GENDER_LABELS.length), ...softmaxOf(logits, ATTRIBUTE_VECTOR.expression, EXPRESSION_LABELS.length)]);
}

/** Agreement of a student with its teachers on the same faces (attribute vectors, probabilities). */
export interface AttributeAgreement {
  readonly faces: number;
  /** Share of faces given the teacher's gender. */
  readonly genderAgreement: number;
  /** Mean |Δ age| in years. */
  readonly ageMeanAbsDiff: number;
  /** Share of faces given the teacher's most probable expression. */
  readonly expressionAgreement: number;
  /** Mean KL(teacher ‖ student) of the expression distributions, in nats. */
  readonly expressionKl: number;
}

const argmax = (v: ArrayLike<number>, begin: number, size: number) => {
  let best = 0;
  for (let k = 1; k < size; k++) if (v[begin + k]! > v[begin + best]!) best = k;
  return best;
};

export function attributeAgreement(student: readonly ArrayLike<number>[], teacher: readonly ArrayLike<number>[]): AttributeAgreement {
  if (student.length !== teacher.length || student.length === 0) throw new FaceOptionError('attributeAgreement', 'student', student.length, `expected as many vectors as the teacher's (${teacher.length}), at least one`);
  let gender = 0;
  let age = 0;
  let expression = 0;
  let kl = 0;
  const { expression: e0 } = ATTRIBUTE_VECTOR;
  const e = EXPRESSION_LABELS.length;
  for (let i = 0; i < student.length; i++) {
    const s = student[i]!;
    const t = teacher[i]!;
    if (argmax(s, ATTRIBUTE_VECTOR.gender, GENDER_LABELS.length) === argmax(t, ATTRIBUTE_VECTOR.gender, GENDER_LABELS.length)) gender++;
    age += Math.abs(s[ATTRIBUTE_VECTOR.age]! - t[ATTRIBUTE_VECTOR.age]!);
    if (argmax(s, e0, e) === argmax(t, e0, e)) expression++;
    for (let k = 0; k < e; k++) {
      const p = t[e0 + k]!;
      if (p > 0) kl += p * Math.log(p / Math.max(s[e0 + k]!, 1e-12));
    }
  }
  const n = student.length;
  return { faces: n, genderAgreement: gender / n, ageMeanAbsDiff: age / n, expressionAgreement: expression / n, expressionKl: kl / n };
}

/**
 * What distillAttributes takes: distillStudent's options (the student and its
 * weights, the set, tf, config, checkpoint, resume, callbacks) without the
 * embedding-only mirror and relational settings, plus the attribute loss.
 * `set` is labelled by the attribute teachers (relabelDistillSet with
 * attributeTeacherEmbedder); `validate` measures the agreements on the
 * held-out views after each epoch.
 */
export interface DistillAttributesOptions extends Omit<DistillStudentOptions, 'mirror' | 'relational'> {
  readonly loss?: Partial<AttributeLossSettings>;
}

/**
 * Distils face-api's two attribute nets into one MobileNet (PAPER.md,
 * Table 12): every epoch visits each training view once (order from seed
 * and epoch), the loss is attributeDistillationLoss against the teachers'
 * answers on that very view; after each epoch the held-out views give
 * valGenderAgreement, valAgeMae, valExpressionAgreement and valExpressionKl.
 * The face trainers' loop (trainEmbedding: RMSProp, schedule, checkpoint,
 * exact resume) runs it on the `attribute_logits` output.
 */
export async function distillAttributes(options: DistillAttributesOptions): Promise<TrainEmbeddingResult> {
  const { set } = options;
  if (set.trainViews.length === 0) throw new FaceOptionError('distillAttributes', 'set.trainViews', 0, 'expected at least one training view (no faces found?)');
  if (set.trainViews[0]!.teacher.length !== ATTRIBUTE_VECTOR.length) {
    throw new FaceOptionError('distillAttributes', 'set', `${set.trainViews[0]!.teacher.length}-d targets`, `expected the attribute teachers' ${ATTRIBUTE_VECTOR.length}-d vectors (relabelDistillSet with attributeTeacherEmbedder)`);
  }
  const settings: AttributeLossSettings = { ...ATTRIBUTE_LOSS_DEFAULTS, ...options.loss };
  if (!(settings.temperature > 0) || ![settings.age, settings.gender, settings.expression].every((w) => w >= 0 && Number.isFinite(w)) || !(settings.ageScale > 0)) {
    throw new FaceOptionError('distillAttributes', 'loss', settings, 'temperature > 0, weights ≥ 0, ageScale > 0');
  }
  const size = (options.graph.nodes.find((n) => n.op === 'input')!.attrs as { shape: number[] }).shape[1]!;
  const soft = (v: Float32Array) =>
    Float32Array.from([
      v[ATTRIBUTE_VECTOR.age]!,
      ...softenProbabilities(v.subarray(ATTRIBUTE_VECTOR.gender, ATTRIBUTE_VECTOR.expression), settings.temperature),
      ...softenProbabilities(v.subarray(ATTRIBUTE_VECTOR.expression), settings.temperature),
    ]);
  const targets = set.trainViews.map((v) => soft(v.teacher));
  const render = (i: number) => renderDistillView(set.faces, set.trainViews[i]!, size);
  const heldOutImages: RgbImage[] = options.validate === false ? [] : set.heldOutViews.map((v) => renderDistillView(set.faces, v, size));
  return trainEmbedding<Float32Array[]>({
    graph: options.graph,
    weights: options.weights,
    output: ATTRIBUTE_LOGITS_OUTPUT,
    ...(options.metadata ? { metadata: options.metadata } : {}),
    tf: options.tf,
    tfl: options.tfl,
    tfBackend: options.tfBackend,
    ...(options.config ? { config: options.config } : {}),
    ...(options.checkpointFile ? { checkpointFile: options.checkpointFile } : {}),
    ...(options.resume !== undefined ? { resume: options.resume } : {}),
    epochBatches: (_epoch, random, batchSize) => shuffledBatches(set.trainViews.length, random, batchSize).map((idx) => ({ images: idx.map(render), targets: idx.map((i) => targets[i]!) })),
    loss: (tf, logits, batch) => {
      const t = tf.tensor2d(batch.targets.flatMap((x) => Array.from(x)), [batch.targets.length, ATTRIBUTE_VECTOR.length]);
      return attributeDistillationLoss(tf, logits, t, settings);
    },
    ...(heldOutImages.length > 0
      ? {
          evaluate: (embed: (images: readonly RgbImage[]) => Float32Array[]) => {
            const a = attributeAgreement(embed(heldOutImages).map(attributeVectorFromLogits), set.heldOutViews.map((v) => v.teacher));
            return { valGenderAgreement: a.genderAgreement, valAgeMae: a.ageMeanAbsDiff, valExpressionAgreement: a.expressionAgreement, valExpressionKl: a.expressionKl };
          },
        }
      : {}),
    ...(options.onStart ? { onStart: options.onStart } : {}),
    ...(options.onBatch ? { onBatch: options.onBatch } : {}),
    ...(options.onEpoch ? { onEpoch: options.onEpoch } : {}),
  });
}
