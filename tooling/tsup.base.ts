import { defineConfig, type Options } from 'tsup';

/**
 * The one tsup setup every publishable package uses: ESM + CJS + .d.ts, one
 * file per entry point, no bundling of dependencies (they stay imports, so an
 * app holds one copy of tfjs and of each of our packages).
 */
export function packageBuild(entry: Record<string, string> | string[] = ['src/index.ts'], extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    splitting: false,
    treeshake: false,
    ...extra,
  });
}
