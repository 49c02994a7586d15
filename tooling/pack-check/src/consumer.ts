import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { execOrThrow, exec } from './exec';
import type { PackedPackage } from './pack';
import type { WorkspacePackage } from './workspace';

/**
 * The required peer dependencies of the packed packages, pinned to the
 * versions the workspace tests against (resolved from each package's own
 * node_modules); a peer the workspace does not have keeps its declared range.
 * Optional peers are left out, as npm leaves them out for a user: a package
 * must import without them.
 */
export function peerVersions(packages: readonly WorkspacePackage[]): Record<string, string> {
  const peers: Record<string, string> = {};
  for (const pkg of packages) {
    const require = createRequire(path.join(pkg.dir, 'package.json'));
    for (const [peer, range] of Object.entries(pkg.manifest.peerDependencies ?? {})) {
      if (peers[peer] || pkg.manifest.peerDependenciesMeta?.[peer]?.optional) continue;
      try {
        peers[peer] = (require(`${peer}/package.json`) as { version: string }).version;
      } catch {
        peers[peer] = range;
      }
    }
  }
  return peers;
}

/**
 * Writes a consumer project in `dir` that depends on every tarball and on the
 * peers, and runs `npm install` there. Overrides point our own packages at
 * the tarballs too, so that a dependency between them (rewritten by pnpm to
 * a plain version) never reaches the registry. Install scripts are skipped:
 * a consumer's build scripts are not what this checks, and some peers'
 * scripts download from the internet.
 */
export async function installConsumer(dir: string, packed: readonly PackedPackage[], peers: Readonly<Record<string, string>>): Promise<void> {
  const tarballs = Object.fromEntries(packed.map((p) => [p.name, `file:${p.tarball}`]));
  const manifest = {
    name: 'mobilenet-kit-pack-check-consumer',
    version: '0.0.0',
    private: true,
    dependencies: { ...peers, ...tarballs },
    overrides: tarballs,
  };
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await npmInstall(dir, 240_000);
}

/** `npm install` in `dir` as the consumers here run it: from the cache when it can, quietly, without install scripts (see installConsumer). */
export async function npmInstall(dir: string, timeoutMs: number): Promise<void> {
  await execOrThrow('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir, timeoutMs });
}

export type ModuleSystem = 'esm' | 'cjs';

// Keys that module interop adds and a package does not export by name.
const INTEROP_KEYS = new Set(['default', '__esModule', 'module.exports']);

/**
 * The names a package exports, as seen by a fresh `node` in `cwd`: through
 * `import * as m` (ESM) or `require` (CJS). Throws with node's stderr when the
 * import fails.
 */
export async function exportedNames(cwd: string, name: string, system: ModuleSystem): Promise<string[]> {
  const printKeys = 'process.stdout.write(JSON.stringify(Object.keys(m)))';
  const args =
    system === 'esm'
      ? ['--input-type=module', '-e', `import * as m from ${JSON.stringify(name)}; ${printKeys}`]
      : ['-e', `const m = require(${JSON.stringify(name)}); ${printKeys}`];
  const result = await exec(process.execPath, args, { cwd, timeoutMs: 60_000 });
  if (result.exitCode !== 0) {
    throw new Error(`${system === 'esm' ? 'import' : 'require'} of ${name} failed in ${cwd} (exit ${result.exitCode}):\n${result.stderr.trimEnd()}`);
  }
  return (JSON.parse(result.stdout) as string[]).filter((k) => !INTEROP_KEYS.has(k)).sort();
}
