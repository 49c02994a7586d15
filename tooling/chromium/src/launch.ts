import { type Browser, chromium, type LaunchOptions } from 'playwright-core';
import { requireChromium } from './chromium-path';

/**
 * Flags under which Debian's Chromium runs headless with WebGL 2 on
 * SwiftShader (software), checked on the development machine
 * (shared/FACTS.md): `--use-angle=gl` or `--disable-software-rasterizer`
 * give no WebGL. The rest keep it offline and quiet. No `--user-data-dir`
 * here: Playwright manages the profile.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

/**
 * Added to CHROMIUM_ARGS, these give pages a WebGPU adapter on this machine's
 * headless Chromium (156, Debian, no GPU): Dawn's SwiftShader (Vulkan in
 * software) adapter, vendor 'google', architecture 'swiftshader'. Without
 * the flag `navigator.gpu.requestAdapter()` returns null; `--enable-features=Vulkan,WebGPU`,
 * `--use-vulkan=swiftshader`, `--use-webgpu-adapter=swiftshader` and the Dawn
 * unsafe-API switches change nothing here. WebGPU also needs a secure context
 * (http://127.0.0.1 is one; about:blank is not).
 */
export const WEBGPU_CHROMIUM_ARGS: readonly string[] = ['--enable-unsafe-webgpu'];

export interface LaunchChromiumOptions {
  /** Default: chromiumPath() (/usr/bin/chromium or MOBILENET_KIT_CHROMIUM). */
  readonly executablePath?: string;
  /** Added after `defaultArgs`. */
  readonly args?: readonly string[];
  /** Default CHROMIUM_ARGS; replace to drop one (e.g. a browser without WebGL: add `--disable-webgl` to `args` instead). */
  readonly defaultArgs?: readonly string[];
  /** Default true. */
  readonly headless?: boolean;
  /** Launch timeout in ms (default 60 000: a busy 2-core machine can take a while). */
  readonly timeoutMs?: number;
}

/** Launches the system Chromium through playwright-core (which never downloads a browser here). */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  const executablePath = requireChromium(options.executablePath);
  const launch: LaunchOptions = {
    executablePath,
    headless: options.headless ?? true,
    args: [...(options.defaultArgs ?? CHROMIUM_ARGS), ...(options.args ?? [])],
    timeout: options.timeoutMs ?? 60_000,
  };
  try {
    return await chromium.launch(launch);
  } catch (e) {
    throw new Error(`Chromium at ${executablePath} failed to launch: ${(e as Error).message}`, { cause: e });
  }
}
