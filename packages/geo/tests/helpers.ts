import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
