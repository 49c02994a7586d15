import { builtinModules } from 'node:module';
import { build, type Plugin } from 'esbuild';

export interface BundleOptions {
  /** The TS/JS module to bundle (its exports become callable from the page, see openBundledPage). */
  readonly entry: string;
  /** Where to write the bundle (a .js file; a .js.map is written next to it). */
  readonly outfile: string;
  /** Compile-time constants, e.g. `{ 'process.env.QUICK': '"1"' }`. */
  readonly define?: Readonly<Record<string, string>>;
}

const BUILTIN = new RegExp(`^(node:.*|${builtinModules.map((m) => m.replace(/[/.]/g, '\\$&')).join('|')})$`);

/**
 * Node built-ins loaded through dynamic `import()` stay external: packages
 * that run in both worlds import them lazily on their Node path only (often
 * without the `node:` prefix once built), which never runs in the page.
 * Static imports of built-ins still fail the bundle, or follow a package's
 * "browser" field.
 */
const lazyNodeBuiltins: Plugin = {
  name: 'lazy-node-builtins',
  setup(build) {
    build.onResolve({ filter: BUILTIN }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined));
  },
};

/**
 * Bundles `entry` with esbuild as one ES module for browsers (package
 * "browser" fields honoured, so tfjs picks its browser builds); see
 * lazyNodeBuiltins for Node built-ins.
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
      plugins: [lazyNodeBuiltins],
      define: { 'process.env.NODE_ENV': '"production"', ...options.define },
      logLevel: 'silent',
    });
  } catch (e) {
    throw new Error(`esbuild could not bundle ${options.entry} for the browser:\n${(e as Error).message}`, { cause: e });
  }
}
