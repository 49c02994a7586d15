/**
 * `@mobilenet-kit/classification/node`: dataset readers on the file system
 * (IDX files, Fashion-MNIST, image folders). Node only.
 */
export { readIdxFile, MAX_IDX_BYTES } from './node/read-idx-file';
export { readFashionMnist, missingFashionMnistFiles, DatasetMissingError } from './node/read-fashion-mnist';
export { listImageFolder, readImageFolder, IMAGE_EXTENSIONS, type ImageFolderListing, type ImageFolderSample, type ReadImageFolderOptions } from './node/read-image-folder';
export { loadClassifier } from './node/load-classifier';
