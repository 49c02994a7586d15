import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectReadmeExamplesToPass } from '@mobilenet-kit/readme-examples';
import { expect, it } from 'vitest';

it("runs the README's example against the built package", async () => {
  const results = await expectReadmeExamplesToPass(path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  expect(results.length).toBeGreaterThan(0);
});
