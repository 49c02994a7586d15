import { expectReadmeExamplesToPass } from '@mobilenet-kit/readme-examples';
import { expect, it } from 'vitest';
import { PACKAGE_DIR } from './helpers';

it("runs the README's examples against the built package", async () => {
  const results = await expectReadmeExamplesToPass(PACKAGE_DIR);
  expect(results.length).toBe(3); // face detector, building blocks, training
});
