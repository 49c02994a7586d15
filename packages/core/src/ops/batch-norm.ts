import type { OpDef } from './op-def';
import { dim, fail } from './checks';
import { OP_PARAMS, paramName } from './op-params';

/** Inference-form batch normalization over the last axis. */
export const batchNormOp: OpDef<'batchNorm'> = {
  name: 'batchNorm',
  arity: { min: 1, max: 1 },
  checkAttrs(node) {
    const eps = node.attrs.epsilon;
    if (typeof eps !== 'number' || !Number.isFinite(eps) || !(eps > 0)) fail(node, 'epsilon must be a positive number', 'a finite number > 0', String(eps));
  },
  inferShape: (_node, [input]) => input!,
  params(node, [input]) {
    const channels = dim(node, input!, input!.length - 1);
    return OP_PARAMS.batchNorm.map((p) => ({
      name: paramName(node.name, p),
      shape: [channels],
      role: 'bn' as const,
    }));
  },
  multAdds: () => 0,
  layerType: () => 'other',
};
