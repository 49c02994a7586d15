import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The model folder a command was given: a training run's output folder holds
 * it as `model/`, a model folder holds model.json itself. Light (node:fs only).
 */
export function modelFolderOf(dir: string): string {
  return existsSync(path.join(dir, 'model', 'model.json')) ? path.join(dir, 'model') : dir;
}
