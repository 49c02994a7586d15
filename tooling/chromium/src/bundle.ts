import { build } from 'esbuild';

export interface BundleOptions {
  /** The TS/JS module to bundle (its exports become callable from the page, see openBundledPage). */
  readonly entry: string;
  /** Where to write the bundle (a .js file; a .js.map is written next to it). */
  readonly outfile: string;
  /** Compile-time constants, e.g. `{ 'process.env.QUICK': '"1"' }`. */
  readonly define?: Readonly<Record<string, string>>;
}

/**
 * Bundles `entry` with esbuild as one ES module for browsers (package
 * "browser" fields honoured, so tfjs picks its browser builds). `node:*`
 * imports stay external: packages that work in both worlds import them
 * lazily on their Node path only, which never runs in the page.
 */
export async function bundleForBrowser(options: BundleOptions): Promise<void> {
  try {
    await build({
      entryPoints: [options.entry],
      outfile: options.outfile,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      sourcemap: true,
      external: ['node:*'],
      define: { 'process.env.NODE_ENV': '"production"', ...options.define },
      logLevel: 'silent',
    });
  } catch (e) {
    throw new Error(`esbuild could not bundle ${options.entry} for the browser:\n${(e as Error).message}`, { cause: e });
  }
}
