/**
 * Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): 60,000 training and 10,000 test
 * images, 28×28 grayscale, 10 classes. Class names in label order, from the
 * dataset's README.
 */
export const FASHION_MNIST_CLASSES = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

/** The fine-grained part: upper-body garments that models confuse with one another. */
export const FASHION_MNIST_HARD_CLASSES = Object.freeze(['T-shirt/top', 'Pullover', 'Coat', 'Shirt']);

/** Where the Debian package `dataset-fashion-mnist` installs the files. */
export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';
export const FASHION_MNIST_APT_COMMAND = 'apt-get install -y dataset-fashion-mnist';

export type FashionMnistSplit = 'train' | 'test';

/** File names of a split, as in the original distribution (the Debian package keeps them). */
export function fashionMnistFiles(split: FashionMnistSplit): { images: string; labels: string } {
  const prefix = split === 'train' ? 'train' : 't10k';
  return { images: `${prefix}-images-idx3-ubyte.gz`, labels: `${prefix}-labels-idx1-ubyte.gz` };
}
