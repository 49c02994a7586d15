import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(APP_ROOT, 'dist');

/** The newest modification time under `dir` (files only). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * `pnpm test` builds the app first (turbo: test depends on build); a direct
 * `vitest run` after editing the page would test a stale build, so this
 * builds when dist/ is missing or older than the page's sources.
 */
export function ensureAppBuilt(): void {
  const built = path.join(DIST, 'index.html');
  const sources = Math.max(newestMtime(path.join(APP_ROOT, 'src')), ...['index.html', 'vite.config.ts', 'vite-plugin-offline-assets.ts'].map((f) => statSync(path.join(APP_ROOT, f)).mtimeMs));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  const result = spawnSync('pnpm', ['exec', 'vite', 'build', '--logLevel', 'error'], { cwd: APP_ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vite build of apps/web failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
}
