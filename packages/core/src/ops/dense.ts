import type { OpDef } from './op-def';
import { checkFusedActivation, checkOptionalBoolean, checkPositiveInt, dim } from './checks';

/** Fully connected layer on the last axis (the paper's "FC"). */
export const denseOp: OpDef<'dense'> = {
  name: 'dense',
  arity: { min: 1, max: 1 },
  checkAttrs(node) {
    checkPositiveInt(node, 'units', node.attrs.units);
    checkFusedActivation(node, node.attrs.activation);
    checkOptionalBoolean(node, 'useBias', node.attrs.useBias);
  },
  inferShape: (node, [input]) => [...input!.slice(0, -1), node.attrs.units],
  params(node, [input]) {
    const inUnits = dim(node, input!, input!.length - 1);
    const { units, useBias } = node.attrs;
    return [
      { name: `${node.name}/kernel`, shape: [inUnits, units], role: 'kernel' as const },
      ...(useBias ? [{ name: `${node.name}/bias`, shape: [units], role: 'bias' as const }] : []),
    ];
  },
  multAdds(node, [input]) {
    // Every non-batch position before the last axis gets its own product.
    let positions = 1;
    for (let i = 1; i < input!.length - 1; i++) positions *= dim(node, input!, i);
    return positions * dim(node, input!, input!.length - 1) * node.attrs.units;
  },
  layerType: () => 'dense',
};
