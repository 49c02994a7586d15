import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { fileKind } from './file-kind';

/** An output folder that cannot be created or written; the message names the flag or option. */
export class OutputPathError extends Error {
  constructor(
    readonly dir: string,
    readonly flag: string,
    message: string,
  ) {
    super(`${flag} "${dir}": ${message}`);
    this.name = 'OutputPathError';
  }
}

const codeOf = (e: unknown) => (e as { code?: string } | null)?.code;

/**
 * The output folder resolved, its nearest existing ancestor (the folder
 * itself when it exists) and the levels to create below that ancestor; an
 * existing file on the way is an OutputPathError naming `flag`.
 */
async function nearestExistingFolder(dir: string, flag: string): Promise<{ target: string; existing: string; missing: string[] }> {
  const target = path.resolve(dir);
  const missing: string[] = [];
  let probe = target;
  for (;;) {
    try {
      const stat = await fsp.stat(probe);
      if (!stat.isDirectory()) {
        throw new OutputPathError(dir, flag, probe === target ? `exists and is ${fileKind(stat)}, not a folder` : `cannot be created: "${probe}" is ${fileKind(stat)}, not a folder`);
      }
      return { target, existing: probe, missing };
    } catch (e) {
      if (e instanceof OutputPathError) throw e;
      if ((codeOf(e) === 'ENOENT' || codeOf(e) === 'ENOTDIR') && path.dirname(probe) !== probe) {
        missing.unshift(probe);
        probe = path.dirname(probe);
        continue;
      }
      throw new OutputPathError(dir, flag, `cannot be used (${codeOf(e) ?? (e as Error).message})`);
    }
  }
}

/** Why mkdir failed in `parent`, in words. */
function mkdirRefusal(e: unknown, parent: string): string {
  const c = codeOf(e);
  if (c === 'EACCES' || c === 'EPERM') return 'permission denied';
  if (c === 'EROFS') return 'the file system is read-only';
  if (c === 'ENOENT') return `the file system refuses new folders in "${parent}" (a virtual file system such as /proc?)`;
  return `${c ?? ''} ${(e as Error).message}`.trim();
}

/**
 * Creates an output folder and its missing parents one level at a time
 * (Node 20's `mkdir({ recursive: true })` loops forever under /proc, where
 * mkdir answers ENOENT under an existing parent), then checks that it is a
 * writable folder. Every failure is an OutputPathError naming `flag`:
 * an existing file where a folder is needed, no permission, a read-only or
 * virtual file system.
 */
export async function ensureOutputDir(dir: string, flag = '--out'): Promise<string> {
  const { target, missing } = await nearestExistingFolder(dir, flag);
  for (const d of missing) {
    try {
      await fsp.mkdir(d);
    } catch (e) {
      if (codeOf(e) === 'EEXIST') continue;
      throw new OutputPathError(dir, flag, `cannot create "${d}": ${mkdirRefusal(e, path.dirname(d))}`);
    }
  }
  try {
    await fsp.access(target, fsp.constants.W_OK);
  } catch {
    throw new OutputPathError(dir, flag, 'is not writable (permission denied)');
  }
  return target;
}

/**
 * `mkdir -p` one level at a time with the given file operations: Node 20's
 * `mkdir({ recursive: true })` loops forever where mkdir answers ENOENT under
 * an existing parent (/proc). A failure is the file system's own error
 * (ENOENT, ENOTDIR, EACCES, ...) for the caller to word.
 */
export async function mkdirLevels(dir: string, fs: { stat(p: string): Promise<unknown>; mkdir(p: string): Promise<unknown> } = { stat: fsp.stat, mkdir: (p) => fsp.mkdir(p) }): Promise<void> {
  const missing: string[] = [];
  for (let probe = path.resolve(dir); ; probe = path.dirname(probe)) {
    try {
      await fs.stat(probe);
      break;
    } catch (e) {
      if (codeOf(e) !== 'ENOENT' || path.dirname(probe) === probe) throw e;
      missing.unshift(probe);
    }
  }
  for (const d of missing) {
    try {
      await fs.mkdir(d);
    } catch (e) {
      if (codeOf(e) !== 'EEXIST') throw e;
    }
  }
}

/**
 * Checks, before any work and without leaving anything behind, that the
 * output folder `dir` can be used: it is a folder, or its nearest existing
 * ancestor is a writable folder in which a folder can be created (tried with
 * a probe folder, removed at once: /proc and read-only file systems refuse
 * it). Every failure is an OutputPathError naming `flag`, the same as
 * ensureOutputDir's; the folder itself is made later, when there is
 * something to write.
 */
export async function checkOutputDir(dir: string, flag = '--out'): Promise<string> {
  const { target, existing: probe } = await nearestExistingFolder(dir, flag);
  try {
    await fsp.access(probe, fsp.constants.W_OK);
  } catch {
    throw new OutputPathError(dir, flag, probe === target ? 'is not writable (permission denied)' : `cannot be created: "${probe}" is not writable (permission denied)`);
  }
  if (probe !== target) {
    const test = path.join(probe, `.mobilenet-kit-probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
    try {
      await fsp.mkdir(test);
    } catch (e) {
      throw new OutputPathError(dir, flag, `cannot create a folder in "${probe}": ${mkdirRefusal(e, probe)}`);
    }
    await fsp.rmdir(test).catch(() => undefined);
  }
  return target;
}
