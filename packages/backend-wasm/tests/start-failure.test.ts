import { compile, GraphBuilder, registerBackend } from '@mobilenet-kit/core';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { wasmBackend, wasmBinaryName } from '../src/index';

// Its own file (process): once tfjs's wasm module has aborted, tfjs cannot start it again in that process.
it('a corrupt wasm binary: the error carries the reason tfjs and Emscripten logged', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'bad-wasm-'));
  for (const simd of [true, false]) writeFileSync(join(folder, wasmBinaryName(simd, false)), '');
  // One thread: the single-thread binaries written above are the ones tfjs loads.
  registerBackend(wasmBackend({ wasmPaths: `${folder}/`, threads: 1 }));
  const b = new GraphBuilder('g');
  b.output(b.input('x', [null, 1]));
  const failure = compile(b.build(), new Map(), { backend: 'wasm' });
  await expect(failure).rejects.toThrow(/^backend "wasm" failed to start: tf\.setBackend\('wasm'\) returned false: .*CompileError: WebAssembly\.instantiate\(\): BufferSource argument is empty/);
});
