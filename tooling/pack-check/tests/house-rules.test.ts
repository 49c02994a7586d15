import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { houseRuleViolations, KNOWN_UPWARD_ARROWS, type KitPackage, readKitPackages } from '../src/house-rules';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const pkg = (name: string, deps: string[], imports: Record<string, string> = {}): KitPackage => ({
  name,
  dir: `packages/${name}`,
  manifest: { name, version: '0.0.0', dependencies: Object.fromEntries(deps.map((d) => [d, 'workspace:*'])) },
  imports: new Map(Object.entries(imports)),
});

describe('the house rules (arrows point down the package table)', () => {
  it('hold for every package and app of the repository', () => {
    const packages = readKitPackages(ROOT);
    expect(packages.map((p) => p.name)).toContain('@mobilenet-kit/core');
    expect(houseRuleViolations(packages)).toEqual([]);
  });

  it('every listed exception still exists (remove it from KNOWN_UPWARD_ARROWS once the arrow is gone)', () => {
    const packages = readKitPackages(ROOT);
    const stillThere = houseRuleViolations(packages, []);
    for (const arrow of KNOWN_UPWARD_ARROWS) expect(stillThere.some((v) => v.startsWith(arrow))).toBe(true);
  });

  it('names each kind of wrong arrow', () => {
    expect(houseRuleViolations([pkg('@mobilenet-kit/core', ['@mobilenet-kit/image'])])).toEqual(['@mobilenet-kit/core → @mobilenet-kit/image (package.json): core imports no other package of the kit']);
    expect(houseRuleViolations([pkg('@mobilenet-kit/backend-wasm', ['@mobilenet-kit/face'], { '@mobilenet-kit/face': 'src/x.ts' })])).toEqual(['@mobilenet-kit/backend-wasm → @mobilenet-kit/face (src/x.ts): a backend never imports a head']);
    expect(houseRuleViolations([pkg('@mobilenet-kit/geo', ['@mobilenet-kit/backend-wasm'])])[0]).toMatch(/a head never imports a backend/);
    expect(houseRuleViolations([pkg('@mobilenet-kit/image', ['@mobilenet-kit/cli'])])[0]).toMatch(/never depends on an app/);
    expect(houseRuleViolations([pkg('@mobilenet-kit/detection', [], { '@mobilenet-kit/image': 'src/y.ts' })])).toEqual(['@mobilenet-kit/detection → @mobilenet-kit/image: src/y.ts imports it, but package.json does not declare it as a dependency or peer']);
    expect(houseRuleViolations([pkg('@mobilenet-kit/mystery', [])])[0]).toMatch(/not in the package table/);
    // Apps are where everything meets.
    expect(houseRuleViolations([pkg('@mobilenet-kit/cli', ['@mobilenet-kit/backend-wasm', '@mobilenet-kit/face'])])).toEqual([]);
  });
});
