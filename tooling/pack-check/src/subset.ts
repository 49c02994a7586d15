import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { WorkspacePackage } from './workspace';

/** The named packages and every package of ours they depend on (what an app installing them gets from us). */
export function withOurDependencies(all: readonly WorkspacePackage[], names: readonly string[]): WorkspacePackage[] {
  const byName = new Map(all.map((p) => [p.name, p]));
  const out = new Map<string, WorkspacePackage>();
  const visit = (name: string) => {
    const pkg = byName.get(name);
    if (!pkg || out.has(name)) return;
    out.set(name, pkg);
    for (const dep of Object.keys(pkg.manifest.dependencies ?? {})) visit(dep);
  };
  names.forEach(visit);
  return [...out.values()];
}

/** Bytes of the files under a folder (links not followed). */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += folderBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

/** A node_modules folder's top-level packages (scopes opened), largest first, as "name 12.3 MB". */
export function largestPackages(nodeModules: string, count: number): string[] {
  const sizes: [string, number][] = [];
  for (const e of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const p = path.join(nodeModules, e.name);
    if (e.name.startsWith('@')) for (const s of readdirSync(p, { withFileTypes: true })) sizes.push([`${e.name}/${s.name}`, folderBytes(path.join(p, s.name))]);
    else sizes.push([e.name, folderBytes(p)]);
  }
  return sizes
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([n, s]) => `${n} ${(s / 2 ** 20).toFixed(1)} MB`);
}

/** The version of a package the workspace tests against: the CLI's copy (pnpm links it under apps/cli/node_modules). */
export function workspaceVersion(root: string, pkg: string): string {
  return (JSON.parse(readFileSync(path.join(root, 'apps', 'cli', 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
}
