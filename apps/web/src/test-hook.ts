import type { BackendInfo } from '@mobilenet-kit/core';

/** One finished detection, as the page shows it. */
export interface DetectionRecord {
  /** `${image}|${backend}`: what was asked for. */
  readonly key: string;
  readonly image: string;
  readonly backend: BackendInfo;
  readonly imageSize: { readonly width: number; readonly height: number };
  readonly faces: readonly { readonly x: number; readonly y: number; readonly width: number; readonly height: number; readonly score: number }[];
  readonly timings: Readonly<Record<string, number>>;
  /** The page's performance.now() when the request went to the inference worker and when its answer came. */
  readonly requestedAt: number;
  readonly answeredAt: number;
}

export interface LatencyRecord {
  readonly model: string;
  readonly backend: BackendInfo;
  readonly firstMs: number;
  readonly medianMs: number;
  readonly runs: number;
}

/**
 * `window.__mobilenetKit`: what the page last computed, for end-to-end
 * tests and the curious (the same data is on the result panels as
 * `data-*` attributes).
 */
export interface MobilenetKitHook {
  ready: boolean;
  lastDetection?: DetectionRecord;
  lastLatency?: LatencyRecord;
}

declare global {
  interface Window {
    __mobilenetKit: MobilenetKitHook;
  }
}

export function testHook(): MobilenetKitHook {
  window.__mobilenetKit ??= { ready: false };
  return window.__mobilenetKit;
}
