import type { Lowering } from './lowering';

/** Ops that move or combine tensors without parameters. The batch is the actual one of the run. */

export const lowerDropout: Lowering<'dropout'> = () => ([x]) => x!;

export const lowerFlatten: Lowering<'flatten'> = (_node, { tf }) => ([x]) => tf.reshape(x!, [x!.shape[0]!, -1]);

export const lowerReshape: Lowering<'reshape'> = (node, { tf }) => {
  const target = node.attrs.shape;
  return ([x]) => tf.reshape(x!, [x!.shape[0]!, ...target]);
};

export const lowerConcat: Lowering<'concat'> = (node, { tf }) => {
  const { axis } = node.attrs;
  return (inputs) => tf.concat([...inputs], axis);
};

export const lowerAdd: Lowering<'add'> = (_node, { tf }) => (inputs) =>
  inputs.length === 2 ? tf.add(inputs[0]!, inputs[1]!) : tf.addN([...inputs]);
