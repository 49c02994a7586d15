/**
 * Runs in headless Chromium (bundled by @mobilenet-kit/chromium): core's
 * conformance suite on the 'webgl' backend, one case per call, so that the
 * Node-side test reports each case on its own.
 */
import { type ConformanceCase, conformanceCases, type Tolerance } from '@mobilenet-kit/core/conformance';
import * as tf from '@tensorflow/tfjs-core';
import { registerWebGLBackend } from '../../src/index';

// Default options: Chromium with --enable-unsafe-swiftshader does not flag SwiftShader as a "major performance caveat".
registerWebGLBackend();

let cases = new Map<string, ConformanceCase>();

/** Builds the case list (same options as on the Node side, so the keys match); returns the keys. */
export function prepare(options: { quick: boolean; tolerance: { ops: Tolerance; passes: Tolerance; models: Tolerance } }): string[] {
  cases = new Map(conformanceCases({ backend: 'webgl', quick: options.quick, tolerance: options.tolerance }).map((c) => [`${c.group}: ${c.name}`, c]));
  return [...cases.keys()];
}

/** Runs one case; rejects with the suite's message (worst element, expected vs actual) when it fails. */
export async function runCase(key: string): Promise<void> {
  const c = cases.get(key);
  if (!c) throw new Error(`no conformance case "${key}" in the page`);
  await c.run();
}

/** Live tensors and WebGL textures held by tfjs (the leak check). */
export function memory(): { numTensors: number; numDataBuffers: number } {
  const m = tf.memory();
  return { numTensors: m.numTensors, numDataBuffers: m.numDataBuffers };
}
