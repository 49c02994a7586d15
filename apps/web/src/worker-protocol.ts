/**
 * The messages between the page and its inference worker
 * (inference.worker.ts): every request carries an id, and the worker answers
 * each with `{ id, ok: true, value }` or `{ id, ok: false, message }` (the
 * library's error message, shown as is). Images travel as a URL the worker
 * fetches, encoded bytes, or a transferred ImageBitmap (webcam frames), so
 * that decoding, like inference, happens off the page's main thread.
 */
import type { BackendInfo } from '@mobilenet-kit/core';

export interface WorkerSetup {
  /** Absolute URLs: the worker's own location is its script's, not the page's. */
  readonly wasmUrl: string;
  readonly modelUrl: string;
  readonly softwareWebGL: boolean;
}

export type WebGPUAvailability = { readonly available: true; readonly adapter: string } | { readonly available: false; readonly reason: string };

export interface SetupReply {
  readonly webgpu: WebGPUAvailability;
}

export type ImageInput =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'bytes'; readonly bytes: ArrayBuffer }
  | { readonly kind: 'bitmap'; readonly bitmap: ImageBitmap };

export interface Stage {
  readonly label: string;
  readonly ms: number;
  /** Shown apart: happens once per backend or image, not on every detection. */
  readonly once?: boolean;
}

export interface PlainFace {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly score: number;
}

export interface DetectRequest {
  readonly backend: string;
  /** Names the image: the worker keeps the last one decoded under its key (url and bytes inputs). */
  readonly imageKey: string;
  readonly image: ImageInput;
  readonly minScore: number;
}

export interface DetectReply {
  readonly backend: BackendInfo;
  readonly imageSize: { readonly width: number; readonly height: number };
  readonly faces: readonly PlainFace[];
  /** One-time stages (weights, compile, decode) first, then preprocess, network, postprocess. */
  readonly stages: readonly Stage[];
}

export interface MeasureRequest {
  readonly alpha: number;
  readonly resolution: number;
  readonly backend: string;
  /** Timed runs after the first one. */
  readonly runs: number;
}

export interface MeasureReply {
  readonly backend: BackendInfo;
  readonly firstMs: number;
  readonly times: readonly number[];
}

/** Request payload and reply value of each call. */
export interface WorkerCalls {
  setup: [WorkerSetup, SetupReply];
  detect: [DetectRequest, DetectReply];
  measure: [MeasureRequest, MeasureReply];
  /** Re-registers webgl accepting a software renderer and forgets its old detector. */
  useSoftwareWebGL: [null, null];
}

export type WorkerCall = keyof WorkerCalls;

export type WorkerRequest = { [K in WorkerCall]: { readonly id: number; readonly type: K; readonly payload: WorkerCalls[K][0] } }[WorkerCall];

export type WorkerReply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly message: string };
