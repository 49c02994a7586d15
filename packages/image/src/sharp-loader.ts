import { ImageError } from './errors';
import { importAtRunTime } from './environment';

/** The few sharp calls this package makes (sharp's own types stay out of our public .d.ts). */
export interface SharpPipeline {
  metadata(): Promise<{ width?: number; height?: number; format?: string; orientation?: number }>;
  rotate(): SharpPipeline;
  removeAlpha(): SharpPipeline;
  toColourspace(space: string): SharpPipeline;
  raw(): SharpPipeline;
  png(options?: Record<string, unknown>): SharpPipeline;
  jpeg(options?: Record<string, unknown>): SharpPipeline;
  webp(options?: Record<string, unknown>): SharpPipeline;
  toBuffer(options: { resolveWithObject: true }): Promise<{ data: Uint8Array; info: { width: number; height: number; channels: number; depth?: string } }>;
  toBuffer(): Promise<Uint8Array>;
}

export interface SharpInputOptions {
  raw?: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
  limitInputPixels?: number | boolean;
  failOn?: 'none' | 'truncated' | 'error' | 'warning';
}

export type SharpFactory = (input: string | Uint8Array, options?: SharpInputOptions) => SharpPipeline;

let loaded: Promise<SharpFactory> | undefined;

/**
 * Loads sharp on first use (dynamic import, Node only). A missing sharp is
 * reported with what to install; `what` names the input being handled.
 */
export function loadSharp(what: string): Promise<SharpFactory> {
  loaded ??= loadSharpWith(importAtRunTime).catch((error: unknown) => {
    loaded = undefined; // let a later call retry (e.g. after installing sharp in a REPL)
    throw error;
  });
  return loaded.catch((error: unknown) => {
    throw new ImageError(what, (error as Error).message, { cause: (error as Error).cause ?? error });
  });
}

/** `loadSharp` with the importer passed in (tests simulate a missing sharp through it). */
export async function loadSharpWith(importer: (specifier: string) => Promise<unknown>): Promise<SharpFactory> {
  let module: unknown;
  try {
    module = await importer('sharp');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    throw new Error(
      missing
        ? '@mobilenet-kit/image decodes and encodes files in Node with sharp, which is not installed: install it next to this package (npm install sharp@^0.35, pnpm add sharp@^0.35)'
        : `@mobilenet-kit/image could not load sharp: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const factory = (module as { default?: unknown }).default ?? module;
  if (typeof factory !== 'function') throw new Error('@mobilenet-kit/image could not load sharp: the module "sharp" does not export a function');
  return factory as SharpFactory;
}
