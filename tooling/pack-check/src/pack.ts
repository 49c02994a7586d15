import path from 'node:path';
import { execOrThrow } from './exec';

export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  /** Absolute path of the .tgz. */
  readonly tarball: string;
  /** Paths inside the tarball, relative to the package root. */
  readonly files: readonly string[];
}

/**
 * `pnpm pack` of one workspace package into `destination`. pnpm rewrites
 * `workspace:*` ranges to the packed versions, as `pnpm publish` would.
 */
export async function packPackage(packageDir: string, destination: string): Promise<PackedPackage> {
  const { stdout } = await execOrThrow('pnpm', ['pack', '--json', '--pack-destination', destination], { cwd: packageDir });
  // pnpm may print lifecycle output before the JSON document.
  const json = stdout.slice(stdout.indexOf('{'));
  let report: { name: string; version: string; filename: string; files: { path: string }[] };
  try {
    report = JSON.parse(json);
  } catch (e) {
    throw new Error(`pnpm pack --json in ${packageDir} printed no JSON report (${(e as Error).message}):\n${stdout}`);
  }
  return {
    name: report.name,
    version: report.version,
    tarball: path.resolve(destination, report.filename),
    files: report.files.map((f) => f.path).sort(),
  };
}
