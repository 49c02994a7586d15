/**
 * Runs in headless Chromium (bundled by @mobilenet-kit/chromium): core's
 * conformance suite on the 'webgpu' backend, one case per call, so that the
 * Node-side test reports each case on its own. `adapter()` says first
 * whether this browser gives a WebGPU adapter at all.
 */
import { type ConformanceCase, conformanceCases, type Tolerance } from '@mobilenet-kit/core/conformance';
import * as tf from '@tensorflow/tfjs-core';
import { registerWebGPUBackend, requireWebGPUAdapter } from '../../src/index';

registerWebGPUBackend();

let cases = new Map<string, ConformanceCase>();

/** The adapter (vendor, architecture), or why there is none. */
export async function adapter(): Promise<{ ok: true; vendor: string; architecture: string } | { ok: false; reason: string }> {
  try {
    return { ok: true, ...(await requireWebGPUAdapter()) };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

/** Builds the case list (same options as on the Node side, so the keys match); returns the keys. */
export function prepare(options: { quick: boolean; tolerance: { ops: Tolerance; passes: Tolerance; models: Tolerance } }): string[] {
  cases = new Map(conformanceCases({ backend: 'webgpu', quick: options.quick, tolerance: options.tolerance }).map((c) => [`${c.group}: ${c.name}`, c]));
  return [...cases.keys()];
}

/** Runs one case; rejects with the suite's message (worst element, expected vs actual) when it fails. */
export async function runCase(key: string): Promise<void> {
  const c = cases.get(key);
  if (!c) throw new Error(`no conformance case "${key}" in the page`);
  await c.run();
}

/** Live tensors and GPU buffers held by tfjs (the leak check); tfjs's memory() needs a started backend. */
export async function memory(): Promise<{ numTensors: number; numDataBuffers: number }> {
  await tf.ready();
  const m = tf.memory();
  return { numTensors: m.numTensors, numDataBuffers: m.numDataBuffers };
}
