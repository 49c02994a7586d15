import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { importedPackages } from './imports';
import { type PackageManifest, readManifest } from './workspace';

/**
 * The package table of ARCHITECTURE.md as data: each of the kit's packages
 * and its kind. Arrows point down the table: core imports none of the kit;
 * a backend imports core, backend-tfjs and the ONNX exporter, never a head;
 * a head imports core, backbone, image and other heads, never a backend
 * (it asks core's registry for one by name); apps meet everything; no
 * package imports an app or the tooling.
 */
export const PACKAGE_KINDS: Readonly<Record<string, 'core' | 'lower' | 'backend' | 'head' | 'app' | 'tooling'>> = Object.freeze({
  '@mobilenet-kit/core': 'core',
  '@mobilenet-kit/backbone': 'lower',
  '@mobilenet-kit/image': 'lower',
  '@mobilenet-kit/onnx': 'lower',
  '@mobilenet-kit/convert': 'lower',
  '@mobilenet-kit/trainer': 'lower',
  '@mobilenet-kit/backend-tfjs': 'backend',
  '@mobilenet-kit/backend-cpu': 'backend',
  '@mobilenet-kit/backend-wasm': 'backend',
  '@mobilenet-kit/backend-webgl': 'backend',
  '@mobilenet-kit/backend-webgpu': 'backend',
  '@mobilenet-kit/backend-onnxruntime': 'backend',
  '@mobilenet-kit/detection': 'head',
  '@mobilenet-kit/classification': 'head',
  '@mobilenet-kit/face': 'head',
  '@mobilenet-kit/geo': 'head',
  '@mobilenet-kit/cli': 'app',
  '@mobilenet-kit/bench': 'app',
  web: 'app',
});

/**
 * Arrows that still run the wrong way, each with the work that removes it:
 * the heads train through backend-tfjs (toLayersModel, RMSProp, the
 * training kernels) until training is a capability of the backend contract.
 * Listed exactly, so that a new wrong arrow fails the check.
 */
export const KNOWN_UPWARD_ARROWS: readonly string[] = Object.freeze([
  '@mobilenet-kit/classification → @mobilenet-kit/backend-tfjs',
  '@mobilenet-kit/detection → @mobilenet-kit/backend-tfjs',
  '@mobilenet-kit/face → @mobilenet-kit/backend-tfjs',
]);

export interface KitPackage {
  readonly name: string;
  readonly dir: string;
  readonly manifest: PackageManifest;
  /** The kit's packages that its source files import (static, dynamic or require), with the first file of each. */
  readonly imports: ReadonlyMap<string, string>;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return /\.(ts|tsx|mts|cts|js|mjs)$/.test(entry) && !entry.endsWith('.d.ts') ? [file] : [];
  });
}

/** Every package under packages/ and apps/ (private ones too), with the kit packages its src/ imports. */
export function readKitPackages(root: string): KitPackage[] {
  return ['packages', 'apps'].flatMap((group) => {
    const groupDir = path.join(root, group);
    if (!existsSync(groupDir)) return [];
    return readdirSync(groupDir)
      .map((entry) => path.join(groupDir, entry))
      .filter((dir) => existsSync(path.join(dir, 'package.json')))
      .map((dir) => {
        const manifest = readManifest(dir);
        const imports = new Map<string, string>();
        for (const file of sourceFiles(path.join(dir, 'src'))) {
          for (const name of importedPackages(readFileSync(file, 'utf8'))) {
            if ((name.startsWith('@mobilenet-kit/') || name in PACKAGE_KINDS) && name !== manifest.name && !imports.has(name)) imports.set(name, path.relative(root, file));
          }
        }
        return { name: manifest.name, dir, manifest, imports };
      });
  });
}

/** Why an arrow from one kind to another is not allowed, or undefined when it is. */
function forbidden(from: string, to: string): string | undefined {
  const a = PACKAGE_KINDS[from];
  const b = PACKAGE_KINDS[to];
  if (a === 'app') return undefined;
  if (b === undefined) return `${to} is not in the package table (ARCHITECTURE.md): add it to PACKAGE_KINDS`;
  if (b === 'app' || b === 'tooling') return `a package never depends on an ${b} at run time`;
  if (a === 'core') return 'core imports no other package of the kit';
  if (a === 'lower' && (b === 'backend' || b === 'head')) return `a ${a}-level package imports only core and its peers, never a ${b}`;
  if (a === 'backend' && b === 'head') return 'a backend never imports a head';
  if (a === 'head' && b === 'backend') return "a head never imports a backend (it asks core's registry for one by name)";
  return undefined;
}

/**
 * The arrows that break the house rules: from every package's runtime
 * dependencies (dependencies, peer and optional dependencies) and from the
 * imports of its src/ files. devDependencies (tests, README examples) may
 * point anywhere. Also an import of the kit that the manifest does not declare.
 */
export function houseRuleViolations(packages: readonly KitPackage[], known: readonly string[] = KNOWN_UPWARD_ARROWS): string[] {
  const out: string[] = [];
  for (const p of packages) {
    if (!(p.name in PACKAGE_KINDS)) {
      out.push(`${p.name} (${p.dir}) is not in the package table (ARCHITECTURE.md): add it to PACKAGE_KINDS`);
      continue;
    }
    const runtime = new Set([...Object.keys(p.manifest.dependencies ?? {}), ...Object.keys(p.manifest.peerDependencies ?? {}), ...Object.keys(p.manifest.optionalDependencies ?? {})].filter((n) => n.startsWith('@mobilenet-kit/') || n in PACKAGE_KINDS));
    for (const [name, file] of p.imports) {
      if (!runtime.has(name) && PACKAGE_KINDS[p.name] !== 'app') out.push(`${p.name} → ${name}: ${file} imports it, but package.json does not declare it as a dependency or peer`);
    }
    for (const name of new Set([...runtime, ...p.imports.keys()])) {
      const why = forbidden(p.name, name);
      const arrow = `${p.name} → ${name}`;
      if (why && !known.includes(arrow)) out.push(`${arrow}${p.imports.has(name) ? ` (${p.imports.get(name)})` : ' (package.json)'}: ${why}`);
    }
  }
  return out;
}
