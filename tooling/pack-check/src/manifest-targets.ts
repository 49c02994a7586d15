import type { PackageManifest } from './workspace';

/**
 * Every file a manifest points at (main, module, types, each target of the
 * exports map, each bin), as paths relative to the package root without a
 * leading `./`. Subpath patterns (`./*`) are skipped: they name no one file.
 */
export function manifestTargets(manifest: PackageManifest): string[] {
  const targets = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value !== 'string' || value.includes('*')) return;
    targets.add(value.replace(/^\.\//, ''));
  };
  add(manifest.main);
  add(manifest.module);
  add(manifest.types);
  const walk = (value: unknown) => {
    if (typeof value === 'string') add(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  for (const file of Object.values(binEntries(manifest))) add(file);
  return [...targets].sort();
}

/** The `bin` field as `{ command: file }` (a string bin is named after the unscoped package name). */
export function binEntries(manifest: PackageManifest): Record<string, string> {
  if (typeof manifest.bin === 'string') return { [manifest.name.replace(/^@[^/]+\//, '')]: manifest.bin };
  return { ...(manifest.bin ?? {}) };
}

/** One entry point of the exports map that code can import (not `./package.json`, not a `*` pattern). */
export interface ExportEntry {
  /** `'.'` or `'./sub'`. */
  readonly subpath: string;
  /** The import specifier: the package name, or `name/sub`. */
  readonly specifier: string;
  /** Whether `require` reaches it (a `require` or `default` condition, or a plain string target). */
  readonly requirable: boolean;
}

export function exportEntries(manifest: PackageManifest): ExportEntry[] {
  const map = manifest.exports;
  const entry = (subpath: string, target: unknown): ExportEntry => ({
    subpath,
    specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
    requirable: typeof target === 'string' || (typeof target === 'object' && target !== null && ('require' in target || 'default' in target)),
  });
  if (map === undefined) return [entry('.', manifest.main ?? 'index.js')];
  if (typeof map === 'string' || Array.isArray(map)) return [entry('.', map)];
  if (typeof map !== 'object' || map === null) return [];
  const keys = Object.keys(map);
  // An exports object whose keys are conditions (no leading dot) describes "." alone.
  if (!keys.some((k) => k.startsWith('.'))) return [entry('.', map)];
  return Object.entries(map as Record<string, unknown>)
    .filter(([subpath, target]) => !subpath.includes('*') && !subpath.endsWith('.json') && target !== null)
    .map(([subpath, target]) => entry(subpath, target));
}
