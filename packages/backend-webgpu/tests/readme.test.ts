import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectReadmeExamplesToPass } from '@mobilenet-kit/readme-examples';
import { expect, it } from 'vitest';

const packageDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

it("runs the README's examples against the built package", async () => {
  const results = await expectReadmeExamplesToPass(packageDir);
  expect(results.length).toBeGreaterThan(0);
});
