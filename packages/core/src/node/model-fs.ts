import * as fsp from 'node:fs/promises';

/**
 * The file operations saveModel and loadModel use. Tests replace some of
 * them (a rename that fails, a write that dies halfway) to check that a
 * crash never leaves a half-written model behind.
 */
export interface ModelFs {
  stat(path: string): Promise<{ size: number; isFile(): boolean; isDirectory(): boolean }>;
  readFile(path: string): Promise<Uint8Array>;
  readdir(path: string): Promise<string[]>;
  mkdir(path: string, options?: { recursive?: boolean }): Promise<unknown>;
  /** Creates a new file (fails if it exists), writes all bytes and flushes them to disk (fsync). */
  writeFileDurably(path: string, data: Uint8Array): Promise<void>;
  /** Flushes a folder's entries (new names, renames) to disk where the platform allows it. */
  syncDir(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { recursive: boolean; force: boolean }): Promise<void>;
}

export const nodeModelFs: ModelFs = {
  stat: (path) => fsp.stat(path),
  readFile: (path) => fsp.readFile(path),
  readdir: (path) => fsp.readdir(path),
  mkdir: (path, options) => fsp.mkdir(path, options),
  async writeFileDurably(path, data) {
    const handle = await fsp.open(path, 'wx');
    try {
      let written = 0;
      while (written < data.byteLength) {
        const { bytesWritten } = await handle.write(data, written, data.byteLength - written);
        written += bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async syncDir(path) {
    // Opening a folder to fsync it works on Linux and macOS; Windows refuses, and there is nothing to flush there.
    let handle: fsp.FileHandle | undefined;
    try {
      handle = await fsp.open(path, 'r');
      await handle.sync();
    } catch {
      // not supported on this platform or file system
    } finally {
      await handle?.close();
    }
  },
  rename: (from, to) => fsp.rename(from, to),
  rm: (path, options) => fsp.rm(path, options),
};

export function modelFs(overrides: Partial<ModelFs> = {}): ModelFs {
  return { ...nodeModelFs, ...overrides };
}

/** True for a Node file system error with the given code (ENOENT, ...). */
export function isFsError(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}
