/**
 * `@mobilenet-kit/classification/node`: dataset readers on the file system
 * (IDX files, Fashion-MNIST, image folders). Node only.
 */
export { readIdxFile, MAX_IDX_BYTES } from './node/read-idx-file';
export { readFashionMnist, missingFashionMnistFiles, DatasetMissingError } from './node/read-fashion-mnist';
export {
  listImageFolder,
  readImageFolder,
  readImageFolderFor,
  IMAGE_EXTENSIONS,
  type ImageFolderDataset,
  type ImageFolderListing,
  type ImageFolderSample,
  type ListImageFolderOptions,
  type ReadImageFolderOptions,
} from './node/read-image-folder';
export { loadClassifier } from './node/load-classifier';
