
import { BACKEND_FLAG, startBackend } from '../classification-support';
import { defineCommand } from '../command';
import { modelFolderOf } from '../model-folder';
import { evaluateAndChart, renderEvaluation, summarizeEvaluation } from '../detector-run';
import { booleanFlag, pathFlag } from '../flags';
import { EXIT_OK } from '../io';

export const evaluateDetectorCommand = defineCommand({
  name: 'evaluate detector',
  summary: 'score a detector folder on a COCO JSON or Pascal VOC set: mAP@0.5 (VOC), mAP@[.5:.95] (COCO), per-class AP, PR curves',
  description: [
    'Loads a detector folder (written by `train detector`, or any saveDetector folder), runs it on every image of the set',
    '(score threshold 0.01, at most 100 boxes per class) and prints per-class AP at IoU 0.5 (VOC all-point) and',
    'AP@[.5:.95] (COCO 101-point). With --out: <out>/pr-curves.png and <out>/samples.png (8 images, truth white).',
    "The model face-ssd is face-api's pretrained SSD MobileNetV1 face detector as `detect` runs it (class 1: face), for",
    'comparing a fine-tuned face detector with the one it started from.',
  ].join('\n'),
  positionals: [
    { name: 'model', description: "a detector folder, a training output folder holding model/, or face-ssd (face-api's face detector)" },
    { name: 'dataset', description: 'a COCO instances JSON file, or a Pascal VOC folder (Annotations/*.xml)' },
  ],
  flags: {
    backend: BACKEND_FLAG,
    json: booleanFlag('print { mAP50, mAP, perClass: { name: AP50 } } as JSON'),
    out: pathFlag('DIR', 'folder for pr-curves.png and samples.png'),
  },
  examples: ['mobilenet-kit evaluate detector run1 val.json', 'mobilenet-kit evaluate detector run1/model VOC2012 --json', 'mobilenet-kit evaluate detector face-ssd faces/val/instances.json'],
  async run({ flags, positionals }, io) {
    const [modelArg, source] = positionals as [string, string];
    const backend = flags.backend ?? 'wasm';
    await startBackend(backend);
    const { loadDetector, readDetectionDataset } = await import('@mobilenet-kit/detection/node');
    const faceSsd = modelArg === 'face-ssd' && !(await import('node:fs')).existsSync(modelArg);
    const { checkOutputDir, ensureOutputDir } = await import('@mobilenet-kit/core/node');
    // Before any work: an --out that cannot be a folder is an error naming --out (Node 20's recursive mkdir hangs under /proc).
    if (flags.out) await checkOutputDir(flags.out, '--out');
    const detector = faceSsd ? await (await import('@mobilenet-kit/detection')).loadFaceDetector({ backend }) : await loadDetector(modelFolderOf(modelArg), { backend });
    try {
      const dataset = await readDetectionDataset(source);
      // The charts' writers need their folder (it was an ENOENT on a fresh --out).
      if (flags.out) await ensureOutputDir(flags.out, '--out');
      const e = await evaluateAndChart(detector, dataset, flags.out, io);
      io.stdout.write(flags.json ? `${JSON.stringify(summarizeEvaluation(e), null, 2)}\n` : `backend: ${detector.backend.name}\n${renderEvaluation(e)}`);
    } finally {
      detector.dispose();
    }
    return EXIT_OK;
  },
});
