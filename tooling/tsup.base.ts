import { defineConfig, type Options } from 'tsup';

/**
 * The one tsup setup every publishable package uses: ESM + CJS + .d.ts, no
 * bundling of dependencies (they stay imports, so an app holds one copy of
 * tfjs and of each of our packages). Code splitting: what two entry points
 * share (error classes, registries) goes into one chunk both import, so an
 * error thrown by `pkg/node` is `instanceof` the class `pkg` exports; with one
 * file per entry each held its own copy of the class.
 */
export function packageBuild(entry: Record<string, string> | string[] = ['src/index.ts'], extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    splitting: true,
    treeshake: false,
    ...extra,
  });
}
