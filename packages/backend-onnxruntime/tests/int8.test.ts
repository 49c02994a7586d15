import { mobilenetV1 } from '@mobilenet-kit/backbone';
import { compile, type HostTensor, registerBackend, unregisterBackend } from '@mobilenet-kit/core';
import { createPrng, randomWeights } from '@mobilenet-kit/core/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrationRecorder, registerOnnxruntimeBackend } from '../src/index';

const SIZE = 96;
const graph = mobilenetV1({ alpha: 0.25, resolution: SIZE, classes: 10 });
const weights = randomWeights(graph, createPrng(5));
const image = (seed: number): HostTensor => ({
  shape: [1, SIZE, SIZE, 3],
  data: Float32Array.from({ length: SIZE * SIZE * 3 }, (_, i) => Math.sin(((i % (SIZE * 3)) * (seed + 1)) / 97 + Math.floor(i / (SIZE * 3)) / (9 + seed))),
});

describe("int8 on the 'onnxruntime' backend", () => {
  registerOnnxruntimeBackend({ threads: 1 });
  afterAll(() => unregisterBackend('onnxruntime'));

  it('backendOptions.int8 with calibration batches recorded from the fp32 model: close to fp32, and model.backend says int8', async () => {
    const recorder = calibrationRecorder('onnxruntime');
    registerBackend(recorder.backend);
    const recording = await compile(graph, weights, { backend: recorder.backend.name });
    for (let s = 0; s < 4; s++) await recording.run({ input: image(s) });
    recording.dispose();
    unregisterBackend(recorder.backend.name);
    expect(recorder.batches.length).toBe(4);
    expect(recorder.batches[0]!.input!.shape).toEqual([1, SIZE, SIZE, 3]);

    const fp32 = await compile(graph, weights, { backend: 'onnxruntime' });
    const int8 = await compile(graph, weights, { backend: 'onnxruntime', backendOptions: { int8: { calibration: recorder.batches } } });
    try {
      expect(int8.backend).toMatchObject({ name: 'onnxruntime', int8: true, calibration: 'minmax' });
      expect(fp32.backend.int8).toBeUndefined();
      let worst = 0;
      for (let s = 10; s < 14; s++) {
        const a = (await fp32.run({ input: image(s) })).predictions!.data;
        const b = (await int8.run({ input: image(s) })).predictions!.data;
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      }
      expect(worst).toBeLessThan(0.05);
    } finally {
      fp32.dispose();
      int8.dispose();
    }
  });

  it('the same int8 options on onnxruntime-web (calibrated and run in its wasm build): the same outputs as onnxruntime-node', async () => {
    const calibration = [0, 1, 2].map((s) => ({ input: image(s) }));
    const node = await compile(graph, weights, { backend: 'onnxruntime', backendOptions: { int8: { calibration } } });
    unregisterBackend('onnxruntime');
    registerOnnxruntimeBackend({ runtime: 'onnxruntime-web', threads: 1 });
    try {
      const web = await compile(graph, weights, { backend: 'onnxruntime', backendOptions: { int8: { calibration } } });
      expect(web.backend).toMatchObject({ runtime: 'onnxruntime-web', int8: true });
      const a = (await node.run({ input: image(20) })).predictions!.data;
      const b = (await web.run({ input: image(20) })).predictions!.data;
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      expect(worst).toBeLessThan(1e-5);
      web.dispose();
    } finally {
      node.dispose();
      unregisterBackend('onnxruntime');
      registerOnnxruntimeBackend({ threads: 1 });
    }
  });

  it('says what is missing or wrong: no calibration images, an unknown method', async () => {
    await expect(compile(graph, weights, { backend: 'onnxruntime', backendOptions: { int8: { calibration: [] } } })).rejects.toThrow(/int8 needs calibration images/);
    await expect(compile(graph, weights, { backend: 'onnxruntime', backendOptions: { int8: { calibration: [{ input: image(0) }], method: 'kl' } } })).rejects.toThrow(/unknown calibration method "kl"/);
  });
});
