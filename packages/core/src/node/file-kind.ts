import * as fsp from 'node:fs/promises';

/** What a path is, for messages: "a folder", "a FIFO (named pipe)", ... */
export function fileKind(stat: {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO?(): boolean;
  isSocket?(): boolean;
  isCharacterDevice?(): boolean;
  isBlockDevice?(): boolean;
  isSymbolicLink?(): boolean;
}): string {
  if (stat.isFile()) return 'a regular file';
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO?.()) return 'a FIFO (named pipe)';
  if (stat.isSocket?.()) return 'a socket';
  if (stat.isCharacterDevice?.()) return 'a character device';
  if (stat.isBlockDevice?.()) return 'a block device';
  if (stat.isSymbolicLink?.()) return 'a symbolic link';
  return 'not a file';
}

export type InputFileProblem = 'not-found' | 'not-regular' | 'permission' | 'empty' | 'too-large' | 'io';

/** An input file that cannot be used: missing, not a regular file, unreadable, empty or too large. */
export class InputFileError extends Error {
  constructor(
    readonly problem: InputFileProblem,
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'InputFileError';
  }
}

const code = (e: unknown): string | undefined => (typeof e === 'object' && e !== null ? ((e as { code?: unknown }).code as string | undefined) : undefined);

/** Turns a file system error about `file` into an InputFileError (ENOENT, EACCES/EPERM, EISDIR, ...). */
export function inputFileError(e: unknown, file: string, what = 'file'): InputFileError {
  if (e instanceof InputFileError) return e;
  const c = code(e);
  if (c === 'ENOENT') return new InputFileError('not-found', file, `${what} not found`);
  if (c === 'ENOTDIR') return new InputFileError('not-found', file, `${what} not found (a part of the path is not a folder)`);
  if (c === 'EACCES' || c === 'EPERM') return new InputFileError('permission', file, `permission denied: the ${what} cannot be read`);
  if (c === 'EISDIR') return new InputFileError('not-regular', file, `${what} is not a regular file (a folder)`);
  if (c === 'ELOOP') return new InputFileError('not-regular', file, `${what} is a symbolic link loop`);
  const error = new InputFileError('io', file, `cannot read the ${what}: ${(e as Error)?.message ?? String(e)}`);
  (error as Error & { cause?: unknown }).cause = e;
  return error;
}

export interface RegularFileOptions {
  /** Word for the file in messages ("image", "gallery", "model.json"). */
  readonly what?: string;
  /** Refuse files larger than this many bytes. */
  readonly maxBytes?: number;
  /** The option or flag that raises maxBytes, named in the message. */
  readonly sizeOption?: string;
  /** Refuse empty files (default true). */
  readonly refuseEmpty?: boolean;
}

/**
 * Stats `file` and checks that it is a regular file (following symlinks),
 * within the size bound and not empty, before anything opens it: a FIFO,
 * socket, device or folder gets "not a regular file" instead of a read that
 * blocks forever or returns nothing.
 */
export async function checkRegularFile(file: string, options: RegularFileOptions = {}): Promise<{ size: number }> {
  const what = options.what ?? 'file';
  let stat: Awaited<ReturnType<typeof fsp.stat>>;
  try {
    stat = await fsp.stat(file);
  } catch (e) {
    throw inputFileError(e, file, what);
  }
  if (!stat.isFile()) throw new InputFileError('not-regular', file, `${what} is not a regular file (${fileKind(stat)})`);
  if (options.maxBytes !== undefined && stat.size > options.maxBytes) {
    throw new InputFileError('too-large', file, `${what} is ${stat.size} bytes, above the limit of ${options.maxBytes} bytes${options.sizeOption ? ` (raise it with ${options.sizeOption})` : ''}`);
  }
  if ((options.refuseEmpty ?? true) && stat.size === 0) throw new InputFileError('empty', file, `${what} is empty (0 bytes)`);
  return { size: stat.size };
}

/** checkRegularFile, then reads the file; a file that grew past maxBytes while being read is refused too. */
export async function readRegularFile(file: string, options: RegularFileOptions = {}): Promise<Buffer> {
  await checkRegularFile(file, options);
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(file);
  } catch (e) {
    throw inputFileError(e, file, options.what ?? 'file');
  }
  if (options.maxBytes !== undefined && bytes.byteLength > options.maxBytes) {
    throw new InputFileError('too-large', file, `${options.what ?? 'file'} grew to ${bytes.byteLength} bytes while being read, above the limit of ${options.maxBytes} bytes`);
  }
  return bytes;
}
