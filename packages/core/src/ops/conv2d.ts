import type { OpDef } from './op-def';
import { checkFusedActivation, checkOptionalBoolean, checkPadding, checkPair, checkPositiveInt, checkRank, dim, spatialOutput } from './checks';

/** Standard convolution; 1×1 kernels count as the paper's "Conv 1×1" (pointwise). */
export const conv2dOp: OpDef<'conv2d'> = {
  name: 'conv2d',
  arity: { min: 1, max: 1 },
  checkAttrs(node) {
    checkPositiveInt(node, 'filters', node.attrs.filters);
    checkPair(node, 'kernelSize', node.attrs.kernelSize);
    checkPair(node, 'strides', node.attrs.strides);
    checkPadding(node, node.attrs.padding);
    checkFusedActivation(node, node.attrs.activation);
    checkOptionalBoolean(node, 'useBias', node.attrs.useBias);
  },
  inferShape(node, [input]) {
    const { kernelSize, strides, padding, filters } = node.attrs;
    return spatialOutput(node, input!, kernelSize, strides, padding, filters);
  },
  params(node, [input]) {
    checkRank(node, input!, 4);
    const { kernelSize, filters, useBias } = node.attrs;
    const inChannels = dim(node, input!, 3);
    return [
      { name: `${node.name}/kernel`, shape: [kernelSize[0], kernelSize[1], inChannels, filters], role: 'kernel' as const },
      ...(useBias ? [{ name: `${node.name}/bias`, shape: [filters], role: 'bias' as const }] : []),
    ];
  },
  multAdds(node, [input], output) {
    const [kh, kw] = node.attrs.kernelSize;
    return kh * kw * dim(node, input!, 3) * (output[1] as number) * (output[2] as number) * node.attrs.filters;
  },
  layerType: (node) => (node.attrs.kernelSize[0] === 1 && node.attrs.kernelSize[1] === 1 ? 'pointwise' : 'conv'),
};
