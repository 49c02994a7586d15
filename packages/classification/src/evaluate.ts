import { type Classifier, classProbabilities } from './classify';
import type { ImageDataset } from './data/dataset';
import { argmaxRows, type ClassificationReport, classificationReport, topKAccuracy } from './metrics';
import { datasetImage } from './preprocess';

export interface Evaluation extends ClassificationReport {
  /** Fraction of images whose label is among the 5 most probable classes (or fewer classes). */
  readonly top5: number;
  readonly predicted: Int32Array;
  /** `count · classes` probabilities. */
  readonly probabilities: Float32Array;
}

/**
 * Runs a classifier over a dataset (batches of `batchSize`) and scores it:
 * accuracy, top-5, confusion matrix, per-class precision and recall. The
 * dataset's class names must be the classifier's labels, in the same order.
 */
export async function evaluateClassifier(classifier: Classifier, dataset: ImageDataset, options: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<Evaluation> {
  const labels = classifier.labels;
  if (dataset.classNames.length !== labels.length || dataset.classNames.some((c, i) => c !== labels[i])) {
    throw new RangeError(`evaluateClassifier: the dataset's classes (${dataset.classNames.join(', ')}) are not the classifier's labels (${labels.join(', ')})`);
  }
  const batchSize = options.batchSize ?? 256;
  const classes = labels.length;
  const probabilities = new Float32Array(dataset.count * classes);
  for (let s = 0; s < dataset.count; s += batchSize) {
    const images = Array.from({ length: Math.min(batchSize, dataset.count - s) }, (_, i) => datasetImage(dataset, s + i));
    const p = await classProbabilities(classifier, images, batchSize);
    probabilities.set(p.data, s * classes);
    options.onProgress?.(s + images.length, dataset.count);
  }
  const predicted = argmaxRows(probabilities, classes);
  const report = classificationReport(dataset.labels, predicted, labels);
  return { ...report, top5: topKAccuracy(dataset.labels, probabilities, classes, Math.min(5, classes)), predicted, probabilities };
}
