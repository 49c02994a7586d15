import { builtinModules } from 'node:module';
import type { PackageManifest } from './workspace';

// import … from 'x' / export … from 'x', import 'x', import('x'), require('x'): the forms tsup emits.
// `from` must follow whitespace, `}` or `*`, a specifier holds no whitespace, and a side-effect import
// is a statement of its own line, so that prose in strings ("from", "x"; 'copied from' + …) is not read
// as an import.
const SPECIFIER_PATTERNS = [
  /(?:^|[\s}*])from\s*(?:"([^"\s]+)"|'([^'\s]+)')/gm,
  /^\s*import\s*(?:"([^"\s]+)"|'([^'\s]+)')\s*;?\s*$/gm,
  /\bimport\s*\(\s*(?:"([^"\s]+)"|'([^'\s]+)')\s*\)/g,
  /\brequire\s*\(\s*(?:"([^"\s]+)"|'([^'\s]+)')\s*\)/g,
];

const BUILTINS = new Set(builtinModules);

/** The package part of a bare specifier: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
export function packageOfSpecifier(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/**
 * The packages that built JavaScript imports or requires by a literal bare
 * specifier: relative paths, `node:` and other built-in modules left out.
 */
export function importedPackages(code: string): string[] {
  const found = new Set<string>();
  for (const pattern of SPECIFIER_PATTERNS) {
    for (const match of code.matchAll(pattern)) {
      const specifier = match[1] ?? match[2] ?? '';
      if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) continue;
      if (/^[a-z]+:/i.test(specifier)) continue; // data:, file:, http: URLs
      const name = packageOfSpecifier(specifier);
      if (BUILTINS.has(name)) continue;
      found.add(name);
    }
  }
  return [...found].sort();
}

/**
 * Packages that the built files import but the manifest does not declare
 * (dependencies, peerDependencies, optionalDependencies), by file. In a
 * workspace, or next to other packages in one node_modules, such an import
 * still resolves; for a user who installs this package alone, it does not.
 */
export function undeclaredImports(manifest: PackageManifest, files: readonly { path: string; code: string }[]): Record<string, string[]> {
  const declared = new Set([
    manifest.name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
  ]);
  const out: Record<string, string[]> = {};
  for (const file of files) {
    const missing = importedPackages(file.code).filter((name) => !declared.has(name));
    if (missing.length > 0) out[file.path] = missing;
  }
  return out;
}
