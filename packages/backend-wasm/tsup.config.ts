import { createRequire } from 'node:module';
import { packageBuild } from '../../tooling/tsup.base';

/**
 * The Node ESM build (dist-node/, the "node" export condition) loads tfjs through `require`: Node's ESM
 * loader parses a CommonJS module it imports with its export lexer, which for tfjs-core's and
 * tfjs-backend-wasm's 1.2 MB bundles cost a cold process ~210 ms (a process loading the two took 313 ms
 * by import, 102 ms by require). The facade re-exports the CommonJS module's names, taken at build time.
 */
const TFJS = /^@tensorflow\/tfjs-(core|backend-wasm)$/;
const buildRequire = createRequire(import.meta.url);

/** The part of esbuild's plugin API used here (tsup bundles esbuild; the package does not depend on it). */
interface EsbuildPlugin {
  name: string;
  setup(build: {
    onResolve(o: { filter: RegExp }, f: (a: { path: string }) => { path: string; namespace: string }): void;
    onLoad(o: { filter: RegExp; namespace: string }, f: (a: { path: string }) => { contents: string; loader: 'js' }): void;
  }): void;
}

function tfjsByRequire(): EsbuildPlugin {
  return {
    name: 'tfjs-by-require',
    setup(build) {
      build.onResolve({ filter: TFJS }, (args) => ({ path: args.path, namespace: 'tfjs-by-require' }));
      build.onLoad({ filter: /.*/, namespace: 'tfjs-by-require' }, (args) => {
        const names = Object.keys(buildRequire(args.path) as object).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
        return {
          contents: [
            "import { createRequire as __mkCreateRequire } from 'node:module';",
            `const __mk = __mkCreateRequire(import.meta.url)(${JSON.stringify(args.path)});`,
            'export default __mk;',
            `export const { ${names.join(', ')} } = __mk;`,
          ].join('\n'),
          loader: 'js',
        };
      });
    },
  };
}

// shims: the CJS build gets a working import.meta.url (used to find the .wasm files in node_modules).
export default [
  packageBuild({ index: 'src/index.ts', register: 'src/register.ts' }, { shims: true }),
  packageBuild({ index: 'src/index.ts', register: 'src/register.ts' }, { format: ['esm'], dts: false, outDir: 'dist-node', esbuildPlugins: [tfjsByRequire() as never], noExternal: [TFJS] }),
];
