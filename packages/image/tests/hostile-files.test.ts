// Files that are not what they claim, and the SVG policy: every case asserts an ImageError and its message.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageError, decodeImage } from '../src/index';
import { svgExternalReference } from '../src/svg-policy';
import { makeTempDir } from './helpers';

let dir: string;
let cleanup: () => Promise<void>;
let server: net.Server;
let secret: string;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  execFileSync('mkfifo', [path.join(dir, 'pipe.jpg')]);
  server = net.createServer();
  await new Promise<void>((resolve) => server.listen(path.join(dir, 'socket.png'), resolve));
  secret = path.join(dir, 'secret.png');
  await sharp({ create: { width: 4, height: 4, channels: 3, background: '#ff0000' } }).png().toFile(secret);
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await cleanup();
});

async function write(name: string, bytes: Uint8Array | string): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, bytes);
  return file;
}
async function decodeError(source: Parameters<typeof decodeImage>[0], options?: Parameters<typeof decodeImage>[1]): Promise<ImageError> {
  const error = await decodeImage(source, options).then(
    (image) => new Error(`expected an error, got a ${image.width}×${image.height} image`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageError);
  return error as ImageError;
}

const svg = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="8" height="6">${body}</svg>`;

describe('image paths that are not regular files', () => {
  const cases: [string, () => string, RegExp][] = [
    ['a FIFO named .jpg (it used to read as "empty")', () => path.join(dir, 'pipe.jpg'), /pipe\.jpg": is not a regular file \(a FIFO \(named pipe\)\)$/],
    ['a socket', () => path.join(dir, 'socket.png'), /socket\.png": is not a regular file \(a socket\)$/],
    ['a character device', () => '/dev/zero', /"\/dev\/zero": is not a regular file \(a character device\)$/],
    ['a folder', () => dir, /: is not a regular file \(a folder\)$/],
    ['a path through a file', () => path.join(secret, 'x.png'), /x\.png": no such file$/],
  ];
  for (const [name, file, message] of cases) {
    it(`refuses ${name}`, async () => {
      expect((await decodeError(file())).message).toMatch(message);
    });
  }
});

describe('SVG is refused by default, recognised by content', () => {
  const refused = /is an SVG document \(recognised by its content\); SVG is refused by default because it can refer to other files; pass allowSvg: true \(CLI: --allow-svg\)/;
  const cases: [string, string, string][] = [
    ['a plain SVG', 'a.svg', svg('<rect width="8" height="6" fill="blue"/>')],
    ['an SVG named .jpg', 'photo.jpg', svg('<rect width="8" height="6"/>')],
    ['an SVG with an XML prolog, BOM and comment', 'b.png', `\ufeff<?xml version="1.0"?>\n<!-- hi -->\n${svg('')}`],
    ['an SVG with a DOCTYPE', 'c.webp', `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">${svg('')}`],
  ];
  for (const [name, file, text] of cases) {
    it(`refuses ${name} from a path and from bytes`, async () => {
      expect((await decodeError(await write(file, text))).message).toMatch(refused);
      expect((await decodeError(new TextEncoder().encode(text))).message).toMatch(refused);
    });
  }
  it('refuses gzip data (SVGZ) whatever the name', async () => {
    const file = await write('d.svgz', gzipSync(svg('')));
    expect((await decodeError(file, { allowSvg: true })).message).toMatch(/is gzip-compressed data \(an SVGZ or a compressed file\)/);
  });
});

describe('allowSvg rasterises an SVG but never follows an external reference', () => {
  it('decodes a self-contained SVG (fragments and data: URIs allowed)', async () => {
    const text = svg('<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs><rect width="8" height="6" fill="url(#g)"/>');
    const image = await decodeImage(await write('ok.svg', text), { allowSvg: true });
    expect([image.width, image.height]).toEqual([8, 6]);
    expect([image.data[0], image.data[1], image.data[2]]).toEqual([255, 0, 0]);
  });
  const refs: [string, string, RegExp][] = [
    ['file:// image', `<image href="file://${'SECRET'}" width="4" height="4"/>`, /href "file:\/\/.*secret\.png"/],
    ['xlink:href relative path', '<image xlink:href="secret.png" width="4" height="4"/>', /href "secret\.png"/],
    ['http image', "<image href='http://example.com/x.png'/>", /href "http:\/\/example\.com\/x\.png"/],
    ['unquoted href', '<use href=other.svg#a/>', /href "other\.svg#a"/],
    ['url() in a style', '<rect style="fill: url(file:///etc/passwd)"/>', /url\(file:\/\/\/etc\/passwd\)/],
    ['@import', '<style>@import "x.css";</style>', /@import in a style sheet/],
    ['an entity', '', /<!ENTITY/],
    ['XInclude', '<xi:include href="#x"/>', /an XInclude/],
  ];
  for (const [name, body, message] of refs) {
    it(`refuses ${name}`, async () => {
      const text = name === 'an entity' ? `<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>${svg('&x;')}` : svg(body.replace('SECRET', secret));
      const error = await decodeError(await write('ref.svg', text), { allowSvg: true });
      expect(error.message).toMatch(/SVG refers to an external resource \(.*\); external references \(file:\/\/, relative paths, http\) are never followed, even with allowSvg/);
      expect(error.message).toMatch(message);
    });
  }
  it('finds no reference in plain attributes that only look like one', () => {
    expect(svgExternalReference(svg('<text x="1">href=notreally</text><a href="#top"/><image href="data:image/png;base64,AAAA"/>'))).toBeUndefined();
  });
});

describe('photos as phones write them (pinned)', () => {
  it('decodes AVIF (sharp ships it) and a 1×1 image', async () => {
    const pixels = new Uint8Array(16 * 8 * 3).fill(200);
    const avif = await sharp(pixels, { raw: { width: 16, height: 8, channels: 3 } }).avif({ lossless: true }).toBuffer();
    const image = await decodeImage(await write('p.avif', avif));
    expect([image.width, image.height]).toEqual([16, 8]);
    expect(Math.abs(image.data[0]! - 200)).toBeLessThanOrEqual(2);
    const one = await decodeImage(await sharp({ create: { width: 1, height: 1, channels: 3, background: '#00ff00' } }).png().toBuffer());
    expect([one.width, one.height, ...one.data]).toEqual([1, 1, 0, 255, 0]);
  });

  it("HEIF: AV1-coded images decode (AVIF, and a container branded 'heic'); sharp's build has no HEVC, the codec of iPhone HEIC photos (pinned: the README says so)", async () => {
    expect(sharp.format.heif.input.fileSuffix).toEqual(['.avif']);
    const avif = await sharp({ create: { width: 8, height: 6, channels: 3, background: '#ff0000' } }).avif({ lossless: true }).toBuffer();
    const branded = Buffer.from(avif);
    expect(branded.toString('latin1', 8, 12)).toBe('avif');
    branded.write('heic', 8, 'latin1'); // the major brand of an iPhone photo; the images inside are still AV1
    const image = await decodeImage(await write('phone.heic', branded));
    expect([image.width, image.height, image.data[0], image.data[1]]).toEqual([8, 6, 255, 0]);
    await expect(sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).heif({ compression: 'hevc' }).toBuffer()).rejects.toThrow(/Unsupported compression/);
  });
});
