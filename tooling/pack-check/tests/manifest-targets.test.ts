import { describe, expect, it } from 'vitest';
import { binEntries, cleanEnv, exportEntries, manifestTargets } from '../src/index';

const base = { name: '@scope/pkg', version: '1.0.0' };

describe('manifestTargets', () => {
  it('collects main, module, types, nested export conditions and bins, without ./ and without patterns', () => {
    const targets = manifestTargets({
      ...base,
      main: './dist/index.cjs',
      module: './dist/index.js',
      types: './dist/index.d.ts',
      exports: {
        '.': { import: { types: './dist/index.d.ts', default: './dist/index.js' }, require: { types: './dist/index.d.cts', default: './dist/index.cjs' } },
        './icons/*': './dist/icons/*.js',
        './alt': ['./dist/alt.js', './dist/alt-fallback.js'],
      },
      bin: './dist/bin.js',
    });
    expect(targets).toEqual(['dist/alt-fallback.js', 'dist/alt.js', 'dist/bin.js', 'dist/index.cjs', 'dist/index.d.cts', 'dist/index.d.ts', 'dist/index.js']);
  });
});

describe('binEntries', () => {
  it('names a string bin after the unscoped package name', () => {
    expect(binEntries({ ...base, bin: './cli.js' })).toEqual({ pkg: './cli.js' });
    expect(binEntries({ ...base, bin: { a: './a.js' } })).toEqual({ a: './a.js' });
    expect(binEntries(base)).toEqual({});
  });
});

describe('exportEntries', () => {
  it('lists importable subpaths and whether require reaches them', () => {
    const entries = exportEntries({
      ...base,
      exports: { '.': { import: './i.js', require: './r.cjs' }, './esm': { import: './e.js' }, './all': './all.js', './*': './*.js', './package.json': './package.json' },
    });
    expect(entries).toEqual([
      { subpath: '.', specifier: '@scope/pkg', requirable: true },
      { subpath: './esm', specifier: '@scope/pkg/esm', requirable: false },
      { subpath: './all', specifier: '@scope/pkg/all', requirable: true },
    ]);
  });

  it('reads a conditions-only exports object, a string, and a missing map as the root entry', () => {
    expect(exportEntries({ ...base, exports: { import: './i.js' } })).toEqual([{ subpath: '.', specifier: '@scope/pkg', requirable: false }]);
    expect(exportEntries({ ...base, exports: './i.js' })).toEqual([{ subpath: '.', specifier: '@scope/pkg', requirable: true }]);
    expect(exportEntries({ ...base, main: './m.js' })).toEqual([{ subpath: '.', specifier: '@scope/pkg', requirable: true }]);
  });
});

describe('cleanEnv', () => {
  it("drops pnpm's npm_* settings and NODE_PATH, keeps a registry and everything else", () => {
    const env = cleanEnv({
      PATH: '/usr/bin',
      NODE_PATH: '/work/node_modules/.pnpm/node_modules',
      npm_config_frozen_lockfile: 'true',
      npm_package_name: 'x',
      npm_lifecycle_event: 'test',
      npm_config_registry: 'https://registry.example/',
      HOME: '/root',
    });
    expect(env).toEqual({ PATH: '/usr/bin', npm_config_registry: 'https://registry.example/', HOME: '/root' });
  });
});
