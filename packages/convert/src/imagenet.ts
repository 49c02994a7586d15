import names from '../data/imagenet-classes.json';

/**
 * The 1000 ImageNet (ILSVRC 2012) class names in the index order of Keras
 * and TF-slim classifiers (from opencv-doc's
 * `classification_classes_ILSVRC2012.txt`; index 0 is "tench, Tinca tinca").
 */
export const IMAGENET_CLASSES: readonly string[] = Object.freeze([...(names as string[])]);

/** TF-slim's classifiers have 1001 outputs: index 0 is this background class, then the 1000 ImageNet classes. */
export const BACKGROUND_CLASS = 'background';

/**
 * Labels for a classifier with `classes` outputs: the ImageNet names for
 * 1000 (Keras) or 1001 (TF-slim: background first), else undefined.
 */
export function imagenetLabels(classes: number): readonly string[] | undefined {
  if (classes === 1000) return IMAGENET_CLASSES;
  if (classes === 1001) return [BACKGROUND_CLASS, ...IMAGENET_CLASSES];
  return undefined;
}
