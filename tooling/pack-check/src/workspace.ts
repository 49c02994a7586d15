import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The fields of a package.json that packing and importing depend on. */
export interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly main?: string;
  readonly module?: string;
  readonly types?: string;
  readonly exports?: unknown;
  readonly bin?: string | Readonly<Record<string, string>>;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

export interface WorkspacePackage {
  readonly name: string;
  readonly dir: string;
  readonly manifest: PackageManifest;
}

/** The folders whose packages are published (tooling/* is internal). */
export const PUBLISHED_GROUPS = ['packages', 'apps'] as const;

export function readManifest(dir: string): PackageManifest {
  const file = path.join(dir, 'package.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as PackageManifest;
  if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string') {
    throw new Error(`${file}: a package needs a "name" and a "version" (got name ${JSON.stringify(manifest.name)}, version ${JSON.stringify(manifest.version)})`);
  }
  return manifest;
}

/** Every package under packages/ and apps/ that is not `"private": true`, sorted by name. */
export function listPublishablePackages(root: string): WorkspacePackage[] {
  return PUBLISHED_GROUPS.flatMap((group) => {
    const groupDir = path.join(root, group);
    if (!existsSync(groupDir)) return [];
    return readdirSync(groupDir)
      .map((entry) => path.join(groupDir, entry))
      .filter((dir) => existsSync(path.join(dir, 'package.json')))
      .map((dir) => ({ dir, manifest: readManifest(dir) }))
      .filter(({ manifest }) => manifest.private !== true)
      .map(({ dir, manifest }) => ({ name: manifest.name, dir, manifest }));
  }).sort((a, b) => a.name.localeCompare(b.name));
}
