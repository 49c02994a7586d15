import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { nodeModelFs } from './model-fs';

let counter = 0;

/**
 * Writes a whole file so that readers see either the old file or the new
 * one, never a part: the bytes go to a temporary file beside the target,
 * are flushed to disk, then renamed over it, and the folder is flushed so
 * that the rename survives a crash. On failure the temporary file is
 * removed and the target is untouched. Parts are written back to back, so
 * a large checkpoint is never concatenated in memory.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  const target = path.resolve(file);
  const parts = typeof data === 'string' ? [new TextEncoder().encode(data)] : data instanceof Uint8Array ? [data] : data;
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${(counter++).toString(36)}.tmp`);
  try {
    const handle = await fsp.open(temp, 'wx');
    try {
      for (const part of parts) {
        let written = 0;
        while (written < part.byteLength) written += (await handle.write(part, written, part.byteLength - written)).bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(temp, target);
  } catch (e) {
    await fsp.rm(temp, { force: true }).catch(() => undefined);
    throw e;
  }
  await nodeModelFs.syncDir(path.dirname(target));
}
