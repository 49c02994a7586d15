import { expectReadmeExamplesToPass } from '@mobilenet-kit/readme-examples';
import { expect, it } from 'vitest';
import { PACKAGE_DIR } from './helpers';

it("runs the README's examples against the built package", async () => {
  const results = await expectReadmeExamplesToPass(PACKAGE_DIR);
  expect(results.length).toBe(6); // detect/embed/match, the teacher as IR, face attributes, the student, mirror canonicalization, the threshold curve
});
