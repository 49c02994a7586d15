import { describe, expect, it } from 'vitest';
import { importedPackages, packageOfSpecifier, undeclaredImports } from '../src/index';

describe('importedPackages', () => {
  it('finds static, side-effect, dynamic and require imports, by package', () => {
    const code = [
      'import { a } from "@scope/one/sub";',
      "export { b } from 'two';",
      'import "three/register";',
      'const four = await import("four");',
      'const five = require("five");',
      'import x from "./local.js";',
      'import fs from "node:fs";',
      'const path = require("path");',
      'const w = new URL("data:text/plain,hi");',
    ].join('\n');
    expect(importedPackages(code)).toEqual(['@scope/one', 'five', 'four', 'three', 'two']);
  });

  it('does not read the word "from" or "import" inside strings as an import', () => {
    const code = [
      'checkKnownOptions(where, options, ["dimensions", "from", "scope"]);',
      'throw new Error("from", name, `the backbone has no output`);',
      'console.log("you may import \'x\' later");',
      "const text = 'copied from' + ' elsewhere';",
    ].join('\n');
    expect(importedPackages(code)).toEqual([]);
  });

  it('reads package names out of deep specifiers', () => {
    expect(packageOfSpecifier('@tensorflow/tfjs-core/dist/ops')).toBe('@tensorflow/tfjs-core');
    expect(packageOfSpecifier('lodash/fp')).toBe('lodash');
  });
});

describe('undeclaredImports', () => {
  it('reports imports that are neither dependencies, peers, optional dependencies nor the package itself', () => {
    const manifest = {
      name: '@scope/me',
      version: '1.0.0',
      dependencies: { dep: '1' },
      peerDependencies: { peer: '1' },
      optionalDependencies: { opt: '1' },
    };
    const files = [
      { path: 'dist/index.js', code: ['import "dep";', 'import "peer";', 'import "opt";', 'import "@scope/me/sub";', 'import "phantom";'].join('\n') },
      { path: 'dist/ok.cjs', code: 'require("dep")' },
    ];
    expect(undeclaredImports(manifest, files)).toEqual({ 'dist/index.js': ['phantom'] });
  });
});
