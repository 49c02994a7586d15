/** True in Node (and Node-compatible runtimes), where sharp and the file system are used. */
export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions === 'object' && typeof process.versions?.node === 'string';
}

/**
 * `import()` of a module named at run time, hidden from bundlers (the
 * specifier is a variable and the magic comments tell webpack and Vite to
 * leave it alone), so that browser bundles never pull sharp or node:fs.
 */
export function importAtRunTime<T = unknown>(specifier: string): Promise<T> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier) as Promise<T>;
}
