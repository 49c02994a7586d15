/**
 * Checks that a shard path named in a manifest stays inside the model folder.
 * Returns the reason it does not, or undefined when it is fine.
 *
 * Allowed: relative paths with `/` separators (`group1-shard1of2.bin`,
 * `weights/part-1.bin`). Rejected: empty paths and segments, `.` and `..`
 * segments, absolute paths, Windows drive letters, backslashes, control
 * characters, and URLs (`scheme:...`) unless `allowUrls` is set.
 */
export function shardPathProblem(path: unknown, allowUrls: boolean): string | undefined {
  if (typeof path !== 'string') return `a shard path must be a string, got ${JSON.stringify(path) ?? String(path)}`;
  if (path.length === 0) return 'a shard path is empty';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
  if (/[\u0000-\u001f\u007f]/.test(path)) return `shard path ${JSON.stringify(path)} contains a control character`;
  if (/^[A-Za-z]:/.test(path)) return `shard path ${JSON.stringify(path)} is a Windows drive path; paths must be relative to the model folder`;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)) {
    if (!allowUrls) return `shard path ${JSON.stringify(path)} is a URL; only paths inside the model folder are allowed (pass allowUrls to permit URLs)`;
    return undefined;
  }
  if (path.includes('\\')) return `shard path ${JSON.stringify(path)} contains a backslash; use "/" inside the model folder`;
  if (path.startsWith('/')) return `shard path ${JSON.stringify(path)} is absolute; paths must be relative to the model folder`;
  for (const segment of path.split('/')) {
    if (segment === '..') return `shard path ${JSON.stringify(path)} leaves the model folder ("..")`;
    if (segment === '.' || segment === '') return `shard path ${JSON.stringify(path)} has an empty or "." segment; write it as a plain relative path`;
  }
  return undefined;
}
