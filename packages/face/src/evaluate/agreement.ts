import { FaceOptionError } from '../errors';
import { euclideanDistance } from '../face-matcher';

/** Index of the gallery vector nearest to `query` (euclidean). */
export function nearestIndex(query: ArrayLike<number>, gallery: readonly ArrayLike<number>[]): number {
  let best = -1;
  let bestDistance = Number.POSITIVE_INFINITY;
  gallery.forEach((g, i) => {
    const d = euclideanDistance(query, g);
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  });
  return best;
}

export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>, centre?: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! - (centre?.[i] ?? 0);
    const y = b[i]! - (centre?.[i] ?? 0);
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return ab / Math.sqrt(Math.max(aa * bb, 1e-30));
}

const unit = (v: ArrayLike<number>) => {
  const n = Math.hypot(...Array.from(v));
  return Float32Array.from(v, (x) => x / Math.max(n, 1e-12));
};

/** The mean of unit-length copies of `vectors`: the centre of a cone of descriptors. */
export function meanDirection(vectors: readonly ArrayLike<number>[]): Float32Array {
  const out = new Float32Array(vectors[0]?.length ?? 0);
  for (const v of vectors) unit(v).forEach((x, i) => (out[i] = out[i]! + x / vectors.length));
  return out;
}

/** Descriptors of held-out faces by two embedders, for comparing them. */
export interface HeldOutEmbeddings {
  /** One descriptor per held-out face (its unaugmented crop). */
  readonly originals: readonly Float32Array[];
  /** One descriptor per augmented view. */
  readonly views: readonly Float32Array[];
}

export interface AgreementReport {
  /** Views whose nearest original (student) is the face the teacher picks. */
  readonly agreement: number;
  /** Views whose nearest original is their own face: teacher, student. */
  readonly teacherAccuracy: number;
  readonly studentAccuracy: number;
  /** Mean cosine student vs teacher over views and originals (both unit length). */
  readonly meanCosine: number;
  /** The same with both centred on `centre` (the teacher's mean direction): face-api's descriptors lie in a narrow cone. */
  readonly meanCentredCosine: number;
  readonly views: number;
  readonly faces: number;
  /** Per view: whether the student picks the teacher's original (for a breakdown by source). */
  readonly viewAgrees: readonly boolean[];
}

/**
 * Compares a student with its teacher on held-out faces: each augmented view
 * is matched (nearest, euclidean) against all originals, by each embedder;
 * `viewFace[i]` is the index of view i's own face among the originals.
 */
export function agreementReport(teacher: HeldOutEmbeddings, student: HeldOutEmbeddings, viewFace: readonly number[], centre: ArrayLike<number>): AgreementReport {
  if (teacher.views.length !== student.views.length || teacher.views.length !== viewFace.length || teacher.originals.length !== student.originals.length) {
    throw new FaceOptionError('agreementReport', 'embeddings', `${teacher.views.length}/${student.views.length}/${viewFace.length} views, ${teacher.originals.length}/${student.originals.length} faces`, 'expected matching counts');
  }
  let agree = 0;
  const viewAgrees: boolean[] = [];
  let teacherRight = 0;
  let studentRight = 0;
  teacher.views.forEach((tv, i) => {
    const t = nearestIndex(tv, teacher.originals);
    const s = nearestIndex(student.views[i]!, student.originals);
    if (t === s) agree++;
    viewAgrees.push(t === s);
    if (t === viewFace[i]) teacherRight++;
    if (s === viewFace[i]) studentRight++;
  });
  const pairs = [...teacher.views.map((t, i) => [t, student.views[i]!] as const), ...teacher.originals.map((t, i) => [t, student.originals[i]!] as const)];
  let cos = 0;
  let centred = 0;
  for (const [t, s] of pairs) {
    cos += cosineSimilarity(unit(t), unit(s));
    centred += cosineSimilarity(unit(t), unit(s), centre);
  }
  const n = teacher.views.length;
  return { agreement: agree / n, teacherAccuracy: teacherRight / n, studentAccuracy: studentRight / n, meanCosine: cos / pairs.length, meanCentredCosine: centred / pairs.length, views: n, faces: teacher.originals.length, viewAgrees };
}

/** Distances of same-face pairs (each view vs its own original) and different-face pairs (each view vs every other original). */
export function verificationPairs(embeddings: HeldOutEmbeddings, viewFace: readonly number[]): { same: number[]; different: number[] } {
  const same: number[] = [];
  const different: number[] = [];
  embeddings.views.forEach((v, i) => {
    embeddings.originals.forEach((o, j) => (j === viewFace[i] ? same : different).push(euclideanDistance(v, o)));
  });
  return { same, different };
}
