import type * as tfc from '@tensorflow/tfjs-core';

/** Squared euclidean distances between the rows of `embeddings`, [n, n] (the triplet losses' and the relational loss's). */
export function squaredDistances(tf: typeof tfc, embeddings: tfc.Tensor2D): tfc.Tensor2D {
  const n = embeddings.shape[0];
  const gram = tf.matMul(embeddings, embeddings, false, true);
  const squares = tf.sum(tf.square(embeddings), 1);
  // ‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b, clamped at 0 against rounding.
  return tf.relu(tf.sub(tf.add(tf.reshape(squares, [n, 1]), tf.reshape(squares, [1, n])), tf.mul(gram, 2))) as tfc.Tensor2D;
}
