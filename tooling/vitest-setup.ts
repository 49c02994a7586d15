/**
 * Runs before every test file (tooling/vitest.shared.ts). tfjs-backend-cpu
 * (and the tfjs copy bundled in @vladmandic/face-api) print "Hi, looks like
 * you are running TensorFlow.js in Node.js … install our node backend" on
 * their first tensor in Node; tests that import tfjs-backend-cpu directly
 * would print it once per file. That one message is dropped; every other
 * console.warn passes. (The CLI never shows it: backend-cpu silences it.)
 */
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('install our node backend')) return;
  warn(...args);
};
