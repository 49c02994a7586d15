import type { RgbImage } from '@mobilenet-kit/image';
import { type AgreementReport, agreementReport, meanDirection, verificationPairs } from '../evaluate/agreement';
import { type ThresholdPoint, equalErrorRate, thresholdAtFar, thresholdCurve } from '../evaluate/threshold-curve';
import type { Embedder } from '../embedder';
import { FaceOptionError } from '../errors';
import { type DistillSet, renderView } from './distill-set';

const IDENTITY = { flipped: false, dx: 0, dy: 0, zoom: 1, brightness: 0, contrast: 1 };

/** Verification figures of one embedder on the held-out pairs. */
export interface VerificationReport {
  readonly samePairs: number;
  readonly differentPairs: number;
  readonly equalError: ThresholdPoint & { readonly rate: number };
  /** The largest threshold with FAR ≤ 1%. */
  readonly atFar1: ThresholdPoint;
  readonly curve: readonly ThresholdPoint[];
  /** Same-face and different-face distance ranges: [min, median, max]. */
  readonly same: readonly [number, number, number];
  readonly different: readonly [number, number, number];
}

export interface StudentEvaluation {
  readonly agreement: AgreementReport;
  readonly teacher: VerificationReport;
  readonly student: VerificationReport;
}

const spread = (values: readonly number[]): [number, number, number] => {
  const s = [...values].sort((a, b) => a - b);
  return [s[0]!, s[Math.floor(s.length / 2)]!, s[s.length - 1]!];
};

function verification(same: number[], different: number[], grid: readonly number[]): VerificationReport {
  return {
    samePairs: same.length,
    differentPairs: different.length,
    equalError: equalErrorRate(same, different),
    atFar1: thresholdAtFar(same, different, 0.01),
    curve: thresholdCurve(same, different, grid),
    same: spread(same),
    different: spread(different),
  };
}

/**
 * Student vs teacher on the set's held-out faces: every augmented held-out
 * view is matched against all held-out originals (unaugmented crops) by each
 * embedder (agreementReport: agreement, identification accuracy, mean
 * cosine, centred on the teacher's mean direction over the training views);
 * same-face pairs (a view and its own original) and different-face pairs (a
 * view and every other original) give each embedder's FAR/FRR curve on
 * `grid` thresholds (defaults: 0.05 steps up to 1.2 for the teacher's raw
 * descriptors and the student's unit ones alike). The teacher's
 * descriptors are the ones stored in the set.
 */
export async function evaluateStudent(set: DistillSet, student: Embedder, grid: readonly number[] = Array.from({ length: 24 }, (_, i) => Number(((i + 1) * 0.05).toFixed(2)))): Promise<StudentEvaluation> {
  const heldOut = set.heldOut;
  if (heldOut.length < 2) throw new FaceOptionError('evaluateStudent', 'set.heldOut', `${heldOut.length} faces`, 'expected at least two held-out faces (a view is matched against all of them)');
  const viewFace = set.heldOutViews.map((v) => heldOut.indexOf(v.face));
  const teacher = { originals: heldOut.map((i) => set.faces[i]!.teacher), views: set.heldOutViews.map((v) => v.teacher) };
  const render = (face: number, a: typeof IDENTITY): RgbImage => renderView(set.faces[face]!, a, student.inputSize);
  const studentEmbeddings = {
    originals: await student.embed(heldOut.map((i) => render(i, IDENTITY))),
    views: await student.embed(set.heldOutViews.map((v) => render(v.face, v.augmentation))),
  };
  const centre = meanDirection(set.trainViews.map((v) => v.teacher));
  const t = verificationPairs(teacher, viewFace);
  const s = verificationPairs(studentEmbeddings, viewFace);
  return { agreement: agreementReport(teacher, studentEmbeddings, viewFace, centre), teacher: verification(t.same, t.different, grid), student: verification(s.same, s.different, grid) };
}

/** Median wall time of `embed` on one crop, in ms, over `runs` calls after `warmup` (preprocessing included). */
export async function medianEmbedMs(embedder: Embedder, crop: RgbImage, runs = 15, warmup = 3): Promise<number> {
  for (let i = 0; i < warmup; i++) await embedder.embed(crop);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await embedder.embed(crop);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
