import { mobilenetV1 } from '@mobilenet-kit/backbone';
import { describe, expect, it } from 'vitest';
import { FACE_API_SSD_ANCHORS, faceApiSsdGraph, generateSsdAnchors, ssdFeatureMapSizes, ssdHead } from '../src';
import { anchorCoverage } from '../src/training';

// Boxes like the offline benchmark's objects at a 128 px input: a tenth to a half of the image, on a grid of positions.
function objects(): { boxes: number[][] }[] {
  const out: { boxes: number[][] }[] = [];
  for (const [h, w] of [[0.12, 0.08], [0.2, 0.15], [0.3, 0.12], [0.25, 0.25], [0.45, 0.35]] as const) {
    for (let y = 0.05; y + h < 0.95; y += 0.13) for (let x = 0.07; x + w < 0.95; x += 0.11) out.push({ boxes: [[y, x, y + h, x + w]] });
  }
  return out;
}

function randomInitAnchors(taps: string[]): Float32Array {
  const extraLayers = [16, 8, 8, 8].slice(0, 6 - taps.length).map((b) => ({ bottleneck: b, depth: 2 * b }));
  const graph = ssdHead(mobilenetV1({ alpha: 0.25, resolution: 128, includeTop: false, taps }), { numClasses: 4, extraLayers, taps });
  return generateSsdAnchors(ssdFeatureMapSizes(graph));
}

describe('anchorCoverage', () => {
  it('counts, by hand-computed IoUs, the objects that have an anchor at IoU ≥ the threshold', () => {
    // Anchors: the unit square's left half, and a 0.2 square at the origin.
    const anchors = Float32Array.from([0, 0, 1, 0.5, 0, 0, 0.2, 0.2]);
    // Box 1 is anchor 0 (IoU 1); box 2 is [0, 0, 0.2, 0.4]: IoU 0.08/0.5 = 0.16 with anchor 0, 0.04/0.08 = 0.5 with anchor 1.
    // Box 3, [0.6, 0.6, 1, 1], overlaps neither.
    const c = anchorCoverage(anchors, [{ boxes: [[0, 0, 1, 0.5]] }, { boxes: Float32Array.from([0, 0, 0.2, 0.4, 0.6, 0.6, 1, 1]) }, { boxes: [] }]);
    expect(c.objects).toBe(3);
    expect(c.matched).toBe(2);
    expect(c.anchorsPerObject).toBeCloseTo(2 / 3, 6);
    expect(c.medianBestIou).toBeCloseTo(0.5, 6);
    expect(anchorCoverage(anchors, [{ boxes: [[0, 0, 0.2, 0.4]] }], 0.6).matched).toBe(0);
  });

  it("shows why TF-OD's 300 px head does not learn these objects at 128 px, and a stride-8 tap does", () => {
    const tfod = anchorCoverage(randomInitAnchors(['conv_pw_11', 'conv_pw_13']), objects());
    const stride8 = anchorCoverage(randomInitAnchors(['conv_pw_5', 'conv_pw_11', 'conv_pw_13']), objects());
    // face-api's SSD (built for 512 px) at 128 px has the same 8, 4, 2, 1, 1, 1 grids.
    const faceGraph = faceApiSsdGraph({ resolution: 128, numClasses: 4 });
    expect(ssdFeatureMapSizes(faceGraph).map(([h]) => h)).toEqual([8, 4, 2, 1, 1, 1]);
    const face = anchorCoverage(generateSsdAnchors(ssdFeatureMapSizes(faceGraph), FACE_API_SSD_ANCHORS), objects());
    expect(tfod.objects).toBe(stride8.objects);
    expect(tfod.matched / tfod.objects).toBeLessThan(0.5);
    expect(face.matched / face.objects).toBeLessThan(0.5);
    expect(stride8.matched / stride8.objects).toBeGreaterThan(0.75);
    expect(stride8.anchorsPerObject).toBeGreaterThan(2 * tfod.anchorsPerObject);
  });
});
