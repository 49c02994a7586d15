import { describe, expect, it } from 'vitest';
import { loadSharpWith } from '../src/sharp-loader';

describe('loading sharp', () => {
  it('says to install sharp when it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'sharp'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = (await loadSharpWith(() => Promise.reject(missing)).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/sharp, which is not installed: install it next to this package \(npm install sharp@\^0\.35/);
    expect(error.cause).toBe(missing);
  });

  it('reports other load failures as they are (e.g. a broken native binary)', async () => {
    const broken = new Error('Could not load the "sharp" module using the linux-x64 runtime');
    await expect(loadSharpWith(() => Promise.reject(broken))).rejects.toThrow('@mobilenet-kit/image could not load sharp: Could not load the "sharp" module');
  });

  it('accepts the ESM namespace (default export) and a bare function, refuses anything else', async () => {
    const factory = () => ({});
    expect(await loadSharpWith(async () => ({ default: factory }))).toBe(factory);
    expect(await loadSharpWith(async () => factory)).toBe(factory);
    await expect(loadSharpWith(async () => ({ default: 42 }))).rejects.toThrow(/does not export a function/);
  });

  it('loads the real sharp', async () => {
    const sharp = await loadSharpWith((specifier) => import(specifier));
    const png = await sharp(new Uint8Array([1, 2, 3]), { raw: { width: 1, height: 1, channels: 3 } }).png().toBuffer();
    expect(png[1]).toBe(0x50); // "P" of the PNG signature
  });
});
