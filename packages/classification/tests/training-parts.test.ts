import { mobilenetV1 } from '@mobilenet-kit/backbone';
import { classifierHead } from '@mobilenet-kit/classification';
import { augmentCanvas, learningRateAt, RmsProp, registerTrainingKernels, resolveTrainConfig, shuffledIndices, trainingSegments, validationSplit } from '@mobilenet-kit/classification/training';
import { learningRateAt as backendLearningRateAt, RmsProp as BackendRmsProp, registerTrainingKernels as registerFromBackend } from '@mobilenet-kit/backend-tfjs/training';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-layers registers the gradients of every tfjs-core op.
import '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});

describe('gradient kernels, RMSProp and schedule (tested in backend-tfjs)', () => {
  it('are re-exported from @mobilenet-kit/backend-tfjs/training', () => {
    expect(registerTrainingKernels).toBe(registerFromBackend);
    expect(RmsProp).toBe(BackendRmsProp);
    expect(learningRateAt).toBe(backendLearningRateAt);
  });
});

describe('augmentation, shuffling, split', () => {
  it('augmentCanvas shifts with black fill and flips', () => {
    // 3×3 one-channel canvas 1..9; random() values pick dy = +1 (0.7·3 = 2 → 2−1), dx = −1 (0 → −1), flip (0.2 < 0.5).
    const src = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const dst = new Uint8Array(9);
    const draws = [0.7, 0, 0.2];
    augmentCanvas(src, dst, 3, 1, { pad: 1, flip: true }, () => draws.shift()!);
    // Row y reads source row y+1; column x reads source column (2 − (x − 1)) = 3 − x.
    expect([...dst]).toEqual([0, 6, 5, 0, 9, 8, 0, 0, 0]);
    const same = new Uint8Array(9);
    augmentCanvas(src, same, 3, 1, { pad: 0, flip: false }, () => 0.9);
    expect([...same]).toEqual([...src]);
  });

  it('shuffles and splits deterministically; the split is stratified and disjoint', () => {
    const random = (seed: number) => {
      let s = seed;
      return () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
    };
    expect([...shuffledIndices(10, random(3))]).toEqual([...shuffledIndices(10, random(3))]);
    expect([...shuffledIndices(10, random(3))].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const labels = Array.from({ length: 100 }, (_, i) => i % 4);
    const { train, validation } = validationSplit(labels, 0.1, random(5));
    expect(train.length + validation.length).toBe(100);
    expect(new Set([...train, ...validation]).size).toBe(100);
    for (let c = 0; c < 4; c++) expect([...validation].filter((i) => labels[i] === c)).toHaveLength(3); // round(25·0.1)
    expect(() => validationSplit(labels, 1, random(1))).toThrow(/\[0, 1\)/);
  });
});

describe('trainingSegments and config', () => {
  const head = classifierHead(mobilenetV1({ alpha: 0.25, resolution: 32, includeTop: false }), { classes: 4, dropout: 0.3 });

  it('cuts the graph for each freeze setting', () => {
    const all = trainingSegments(head.graph, 'none');
    expect(all.frozen).toBeUndefined();
    expect(all.trainable!.nodes[0]!.name).toBe('input');
    expect(all.trainable!.outputs).toEqual([{ name: 'features', node: 'head/global_pool' }]);
    expect(all).toMatchObject({ features: 'head/global_pool', featureSize: 256, dropout: { node: 'head/dropout', rate: 0.3 }, dense: { node: 'head/logits', units: 4 } });
    const backbone = trainingSegments(head.graph, 'backbone');
    expect(backbone.trainable).toBeUndefined();
    expect(backbone.frozen!.nodes.at(-1)!.name).toBe('head/global_pool');
    const two = trainingSegments(head.graph, { trainBlocks: 2 });
    expect(two.frozen!.outputs[0]!.node).toBe('conv_pw_11_relu');
    expect(two.trainable!.nodes[0]).toMatchObject({ name: 'conv_pw_11_relu', op: 'input', attrs: { shape: [null, 2, 2, 128] } });
    expect(two.trainable!.nodes[1]!.name).toBe('conv_dw_12');
    const everything = trainingSegments(head.graph, { trainBlocks: 13 });
    expect(everything.frozen!.outputs[0]!.node).toBe('conv1_relu');
    expect(() => trainingSegments(head.graph, { trainBlocks: 14 })).toThrow(/0\.\.13/);
    expect(trainingSegments(mobilenetV1({ alpha: 0.25, resolution: 32, classes: 3 })).dense).toEqual({ node: 'logits', units: 3 });
    expect(() => trainingSegments(mobilenetV1({ alpha: 0.25, resolution: 32, includeTop: false, pooling: 'avg' }))).toThrow(/dropout → dense → softmax/);
  });

  it('checks the configuration, quoting the bad value', () => {
    expect(resolveTrainConfig({}).rmsprop).toEqual({ decay: 0.9, momentum: 0.9, epsilon: 1 });
    expect(() => resolveTrainConfig({ epochs: 0 })).toThrow(/epochs 0 is not allowed/);
    expect(() => resolveTrainConfig({ learningRate: -1 })).toThrow(/learningRate -1/);
    expect(resolveTrainConfig({}).labelSmoothing).toBe(0);
    expect(() => resolveTrainConfig({ labelSmoothing: 1 })).toThrow(/labelSmoothing 1/);
    expect(() => resolveTrainConfig({ cacheFeatures: true })).toThrow(/only with freeze: 'backbone'/);
    expect(() => resolveTrainConfig({ rmsprop: { decay: 1, momentum: 0.9, epsilon: 1 } })).toThrow(/rmsprop/);
  });
});
