import { describe, expect, it } from 'vitest';
import {
  DetectionOptionError,
  FACE_API_SSD_ANCHORS,
  anchorsPerLocation,
  faceApiSsdGraph,
  generateSsdAnchors,
  importFaceApiSsdWeights,
  ssdBoxSpecs,
  ssdFeatureMapSizes,
} from '../src';
import { readBin, readManifest } from './helpers';

const FACE_API_MAPS: [number, number][] = [
  [32, 32],
  [16, 16],
  [8, 8],
  [4, 4],
  [2, 2],
  [1, 1],
];

describe('SSD anchor generator (TF-OD multiple grid)', () => {
  it("reproduces face-api's stored anchors (Output/extra_dim) to 1e-5", async () => {
    const bin = readBin();
    const imported = await importFaceApiSsdWeights(readManifest(), async () => bin);
    expect(imported.storedAnchors.length).toBe(5118 * 4);
    const ours = generateSsdAnchors(FACE_API_MAPS, FACE_API_SSD_ANCHORS);
    let max = 0;
    for (let i = 0; i < ours.length; i++) max = Math.max(max, Math.abs(ours[i]! - imported.storedAnchors[i]!));
    console.log(`anchors: max |generated − stored| = ${max.toExponential(2)} over ${ours.length / 4} anchors`);
    expect(max).toBeLessThanOrEqual(1e-5);
    expect(imported.anchorMaxError).toBe(max);
  });

  it("needs the 2017 order: the current order misses face-api's anchors", async () => {
    const bin = readBin();
    const { storedAnchors } = await importFaceApiSsdWeights(readManifest(), async () => bin);
    const current = generateSsdAnchors(FACE_API_MAPS, { ...FACE_API_SSD_ANCHORS, ordering: 'current' });
    let max = 0;
    for (let i = 0; i < current.length; i++) max = Math.max(max, Math.abs(current[i]! - storedAnchors[i]!));
    expect(max).toBeGreaterThan(0.1);
  });

  it('reads the feature map sizes off the graph: 32, 16, 8, 4, 2, 1 at 512 → 5118 anchors', () => {
    expect(ssdFeatureMapSizes(faceApiSsdGraph())).toEqual(FACE_API_MAPS);
    expect(anchorsPerLocation(FACE_API_SSD_ANCHORS)).toEqual([3, 6, 6, 6, 6, 6]);
  });

  it('box specs: reduced lowest layer, linear scales 0.2…0.95, interpolated √(s·s_next) placed by ordering', () => {
    const current = ssdBoxSpecs();
    expect(current[0]).toEqual([
      { scale: 0.1, aspectRatio: 1 },
      { scale: 0.2, aspectRatio: 2 },
      { scale: 0.2, aspectRatio: 0.5 },
    ]);
    expect(current.map((l) => l[0]!.scale)).toEqual([0.1, 0.35, 0.5, 0.65, 0.8, 0.95].map((s, i) => (i === 0 ? s : expect.closeTo(s, 12))));
    // TF-OD default aspect ratios (1, 2, 3, 1/2, 1/3), interpolated last.
    expect(current[1]!.map((b) => b.aspectRatio)).toEqual([1, 2, 3, 0.5, 1 / 3, 1]);
    expect(current[5]![5]!.scale).toBeCloseTo(Math.sqrt(0.95 * 1), 12);
    const old = ssdBoxSpecs({ ordering: '2017' });
    expect(old[1]!.map((b) => b.aspectRatio)).toEqual([1, 1, 2, 3, 0.5, 1 / 3]);
    expect(old[1]![1]!.scale).toBeCloseTo(Math.sqrt(0.35 * 0.5), 12);
    expect(ssdBoxSpecs({ interpolatedScaleAspectRatio: 0 })[1]!.length).toBe(5);
    expect(ssdBoxSpecs({ reduceBoxesInLowestLayer: false })[0]!.length).toBe(6);
  });

  it('tiles one anchor by hand: centre (y + ½)/H, height s/√r, width s·√r, scaled by the base size', () => {
    const anchors = generateSsdAnchors([[2, 4]], { numLayers: 1, scales: [0.5], aspectRatios: [4], interpolatedScaleAspectRatio: 0, reduceBoxesInLowestLayer: false, baseAnchorSize: [1, 2] });
    expect(anchors.length).toBe(2 * 4 * 4);
    // Row 1, column 2: centre (0.75, 0.625); height 0.5 / 2 · 1 = 0.25, width 0.5 · 2 · 2 = 2.
    const k = (1 * 4 + 2) * 4;
    expect(Array.from(anchors.subarray(k, k + 4))).toEqual([0.625, -0.375, 0.875, 1.625].map((v) => expect.closeTo(v, 6)));
  });

  it('explicit scales, strides and offsets', () => {
    const a = generateSsdAnchors([[2, 2]], { numLayers: 1, scales: [0.2], aspectRatios: [1], interpolatedScaleAspectRatio: 0, reduceBoxesInLowestLayer: false, anchorStrides: [[0.25, 0.5]], anchorOffsets: [[0.1, 0.2]] });
    // (y, x) = (1, 1): centre (0.35, 0.7), size 0.2.
    expect(Array.from(a.subarray(12, 16))).toEqual([0.25, 0.6, 0.45, 0.8].map((v) => expect.closeTo(v, 6)));
  });

  it('rejects bad options with the option, the value and what is allowed', () => {
    expect(() => ssdBoxSpecs({ numLayers: 0 })).toThrow(/option "numLayers" = 0 is not allowed; expected an integer ≥ 1/);
    expect(() => ssdBoxSpecs({ aspectRatios: [1, -2] })).toThrow(/"aspectRatios\[1\]" = -2/);
    expect(() => ssdBoxSpecs({ scales: [0.1, 0.2] })).toThrow(/expected 6 scales/);
    expect(() => ssdBoxSpecs({ ordering: 'new' as never })).toThrow(DetectionOptionError);
    expect(() => ssdBoxSpecs({ minScal: 0.1 } as never)).toThrow(/unknown option/);
    expect(() => generateSsdAnchors([[2, 2]])).toThrow(/expected 6 \[height, width\] pairs/);
    expect(() => generateSsdAnchors([[2, 0]], { numLayers: 1, scales: [0.5] })).toThrow(/featureMapSizes\[0\]\[1\]/);
  });
});
