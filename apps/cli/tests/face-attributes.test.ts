import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../src/io';
import { runCli } from './run-cli';

const require = createRequire(import.meta.url);
const DEMO = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mobilenet-kit-face-attributes-'));
  mkdirSync(path.join(dir, 'faces', 'face-api'), { recursive: true });
  for (const f of ['sample1.jpg', 'sample2.jpg']) copyFileSync(path.join(DEMO, f), path.join(dir, 'faces', 'face-api', f));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXPRESSIONS = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'];

it("attributes --model teacher: face-api's two nets give age, gender and expression per face, as JSON and as a picture", async () => {
  const out = path.join(dir, 'labelled');
  const run = await runCli(['attributes', '--model', 'teacher', '--backend', 'wasm', path.join(DEMO, 'sample1.jpg'), path.join(dir, 'missing.jpg'), '--json', '--out', out]);
  expect(run.code, run.stderr).toBe(EXIT_FAILURE);
  expect(run.stderr).toMatch(/missing\.jpg/);
  const json = JSON.parse(run.stdout) as { backend: { name: string }; model: string; images: { file: string; faces?: { age: number; gender: { label: string; probability: number }; expression: { label: string; probabilities: Record<string, number> } }[]; error?: string }[] };
  expect(json.backend.name).toBe('wasm');
  expect(json.model).toMatch(/^teacher/);
  const faces = json.images[0]!.faces!;
  expect(faces.length).toBeGreaterThan(0);
  for (const f of faces) {
    expect(f.age).toBeGreaterThan(0);
    expect(['male', 'female']).toContain(f.gender.label);
    expect(f.gender.probability).toBeGreaterThanOrEqual(0.5);
    expect(Object.keys(f.expression.probabilities)).toEqual(EXPRESSIONS);
    expect(f.expression.probabilities[f.expression.label]).toBe(Math.max(...Object.values(f.expression.probabilities)));
  }
  expect(json.images[1]!.error).toMatch(/missing\.jpg/);
  expect(existsSync(path.join(out, 'sample1.jpg'))).toBe(true);
});

it('train face-attributes: distils a tiny student, checkpoints, resumes, and writes a model that attributes can use', async () => {
  const out = path.join(dir, 'run');
  const args = ['train', 'face-attributes', '--data', path.join(dir, 'faces'), '--out', out, '--alpha', '0.25', '--resolution', '96', '--views', '1', '--held-out-views', '1', '--held-out', '0.5', '--batch-size', '8'];
  const first = await runCli([...args, '--epochs', '1']);
  expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(EXIT_OK);
  expect(first.stdout).toMatch(/data: 2 photos \(2 with faces\), \d+ faces/);
  expect(first.stdout).toMatch(/teachers' answers for \d+ faces and \d+ views/);
  expect(first.stdout).toMatch(/epoch 1: loss [\d.]+ +held-out: gender [\d.]+%, age \|Δ\| [\d.]+ y, expression [\d.]+% \(KL [\d.]+\)/);
  expect(first.stdout).toMatch(/gender agreement with the teacher/);
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  expect(report.history).toHaveLength(1);
  expect(report.cost.student.multAdds).toBeLessThan(report.cost.teachers.multAdds);
  expect(JSON.parse(readFileSync(path.join(out, 'model', 'model.json'), 'utf8')).metadata.faceAttributes.normalize).toBe('minusOneToOne');

  const refused = await runCli([...args, '--epochs', '1']);
  expect(refused.code).toBe(EXIT_USAGE);
  expect(refused.stderr).toMatch(/checkpoint\.mkc exists; pass --resume/);
  const resumed = await runCli([...args, '--epochs', '2', '--resume']);
  expect(resumed.code, resumed.stderr).toBe(EXIT_OK);
  expect(resumed.stdout).toMatch(/data: .*\(cached\)/);
  expect(resumed.stdout).toMatch(/teachers' answers: .*\(cached\)/);
  expect(resumed.stdout).toMatch(/resuming after epoch 1 of 2/);
  expect(resumed.stdout).not.toMatch(/epoch 1: loss/);
  expect(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).history).toHaveLength(2);

  const attributes = await runCli(['attributes', '--model', path.join(out, 'model'), path.join(DEMO, 'sample2.jpg')]);
  expect(attributes.code, attributes.stderr).toBe(EXIT_OK);
  expect(attributes.stdout).toMatch(/model: student .*model/);
  expect(attributes.stdout).toMatch(/age [\d.]+ +(male|female) \([\d.]+%\) +\w+ \([\d.]+%\)/);
});
