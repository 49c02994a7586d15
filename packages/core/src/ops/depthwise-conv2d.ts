import type { OpDef } from './op-def';
import { checkFusedActivation, checkOptionalBoolean, checkPadding, checkPair, checkPositiveInt, checkRank, dim, spatialOutput } from './checks';

/** Depthwise convolution: one kh×kw filter per input channel (times the depth multiplier). */
export const depthwiseConv2dOp: OpDef<'depthwiseConv2d'> = {
  name: 'depthwiseConv2d',
  arity: { min: 1, max: 1 },
  checkAttrs(node) {
    checkPair(node, 'kernelSize', node.attrs.kernelSize);
    checkPair(node, 'strides', node.attrs.strides);
    checkPadding(node, node.attrs.padding);
    checkPositiveInt(node, 'depthMultiplier', node.attrs.depthMultiplier);
    checkFusedActivation(node, node.attrs.activation);
    checkOptionalBoolean(node, 'useBias', node.attrs.useBias);
  },
  inferShape(node, [input]) {
    const { kernelSize, strides, padding, depthMultiplier } = node.attrs;
    checkRank(node, input!, 4);
    return spatialOutput(node, input!, kernelSize, strides, padding, dim(node, input!, 3) * depthMultiplier);
  },
  params(node, [input]) {
    checkRank(node, input!, 4);
    const { kernelSize, depthMultiplier, useBias } = node.attrs;
    const channels = dim(node, input!, 3);
    return [
      { name: `${node.name}/depthwise_kernel`, shape: [kernelSize[0], kernelSize[1], channels, depthMultiplier], role: 'kernel' as const },
      ...(useBias ? [{ name: `${node.name}/bias`, shape: [channels * depthMultiplier], role: 'bias' as const }] : []),
    ];
  },
  multAdds(node, _inputs, output) {
    const [kh, kw] = node.attrs.kernelSize;
    return kh * kw * (output[1] as number) * (output[2] as number) * (output[3] as number);
  },
  layerType: () => 'depthwise',
};
