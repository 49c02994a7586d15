// Property tests (fast-check, seeded, bounded): random byte mutations of a valid ONNX MobileNet give
// a ModelFormatError or an imported model whose weights are finite — never another exception or a hang.
import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { ModelFormatError } from '@mobilenet-kit/core';
import { importOnnx } from '@mobilenet-kit/convert';
import { toOnnx } from '@mobilenet-kit/onnx';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ByteMutation, byteMutation, mutateBytes } from '../../../tooling/properties/byte-mutations.ts';

const graph = mobilenetV1({ alpha: 0.25, resolution: 32, classes: 3 });
// A plain copy: toOnnx may return a Buffer, whose slice() is a view (the mutations would add up).
const valid = new Uint8Array(toOnnx(graph, initializeWeights(graph, { seed: 3 })));

const mutation = byteMutation(fc) as fc.Arbitrary<ByteMutation>;

describe('ONNX import properties (fast-check)', () => {
  it('any mutation of a valid file gives a ModelFormatError or a model with finite weights', () => {
    expect(importOnnx(valid).recognized).toMatchObject({ alpha: 0.25, resolution: 32 });
    let imported = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 2 }), (mutations) => {
        const bytes = mutations.reduce(mutateBytes, valid);
        let model: ReturnType<typeof importOnnx>;
        try {
          model = importOnnx(bytes, { file: 'm.onnx' });
        } catch (e) {
          expect(e, `${(e as Error).name}: ${(e as Error).message}`).toBeInstanceOf(ModelFormatError);
          return;
        }
        imported++;
        for (const w of model.weights.values()) for (const v of w.data) if (!Number.isFinite(v)) throw new Error(`imported a non-finite weight from a mutated file`);
      }),
      { seed: 20261207, numRuns: 150 },
    );
    console.log(`ONNX mutations imported (the mutation missed what is read): ${imported} of 150`);
  });
});
