import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { mobilenetV1 } from '@mobilenet-kit/backbone';
import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { type Browser, type Page, type StaticServer, type Worker, WEBGPU_CHROMIUM_ARGS, launchChromium, serveStatic, watchConsoleErrors } from '@mobilenet-kit/chromium';
import { graphCost } from '@mobilenet-kit/core';
import { loadFaceDetector } from '@mobilenet-kit/detection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ROOT, DIST, ensureAppBuilt } from './app-build';
import { type Face, matchFaces } from './face-matching';

/**
 * The built app (dist/) served on localhost with COOP/COEP, opened in
 * Debian's headless Chromium (WebGL 2 on SwiftShader, WebGPU on Dawn's
 * SwiftShader adapter), driven through its UI: face detection on each
 * backend must give the boxes that the Node cpu backend gives on the same
 * photo, and it runs in the page's inference worker: the main thread has no
 * long task (over 50 ms) while a detection runs. The browser decodes the JPEG itself
 * (createImageBitmap) while Node decodes it with sharp; both are
 * libjpeg-turbo here and the pixels agree closely enough that IoU ≥ 0.98
 * holds (the measured figures are printed).
 */

/** Issue 7: boxes equal the Node cpu results, IoU ≥ 0.98, same count. */
const MIN_IOU = 0.98;
/** Different decoders moved scores by up to 0.014 in shared/FACTS.md (jpeg-js vs sharp); the same decoder family should do better. */
const MAX_SCORE_DIFFERENCE = 0.02;
/**
 * face-api's demo photos: sample1 is the smallest (144 KB, 1920×1280, 3 faces, scores ≥ 0.98) and the one
 * tfjs cpu runs on; sample4 has 4 faces, one scored ≈ 0.70, where a changed input would move the score most.
 */
const PHOTOS = ['sample1.jpg', 'sample4.jpg'] as const;
type Photo = (typeof PHOTOS)[number];
type Backend = 'wasm' | 'webgl' | 'cpu';
/** The photo of the error-path test. */
const PHOTO: Photo = 'sample1.jpg';
const OUTPUT = path.join(APP_ROOT, 'e2e-output');

const faceApiDemo = path.join(path.dirname(createRequire(path.join(APP_ROOT, 'package.json')).resolve('@vladmandic/face-api/package.json')), 'demo');

/** Chromium's fake camera (a moving test pattern, no face), granted without asking: the webcam path's frames. */
const FAKE_CAMERA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

/** Longer main-thread tasks than this count as long tasks (the Long Tasks API's threshold). */
const LONG_TASK_MS = 50;

/**
 * Runs in the page before its scripts: records the main thread's long tasks
 * (PerformanceObserver 'longtask': every task over 50 ms) and, as a finer
 * measure, the gaps between the ticks of a 10 ms timer (a gap is the longest
 * the main thread could not answer), both with their page timestamps.
 */
function watchMainThread(): void {
  const w = window as unknown as { __mainThread: { longTasks: { start: number; duration: number }[]; gaps: { at: number; ms: number }[] } };
  w.__mainThread = { longTasks: [], gaps: [] };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) w.__mainThread.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    w.__mainThread.gaps.push({ at: last, ms: now - last });
    last = now;
  }, 10);
}

/** The main thread's long tasks and its longest timer gap between `from` and `to` (page timestamps). */
async function mainThreadDuring(page: Page, from: number, to: number): Promise<{ longTasks: { start: number; duration: number }[]; longestGapMs: number }> {
  return page.evaluate(
    ({ from, to }) => {
      const m = (window as unknown as { __mainThread: { longTasks: { start: number; duration: number }[]; gaps: { at: number; ms: number }[] } }).__mainThread;
      const overlaps = (start: number, ms: number) => start < to && start + ms > from;
      return {
        longTasks: m.longTasks.filter((t) => overlaps(t.start, t.duration)),
        longestGapMs: Math.max(0, ...m.gaps.filter((g) => overlaps(g.at, g.ms)).map((g) => g.ms)),
      };
    },
    { from, to },
  );
}

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly args?: { readonly name?: string; readonly startTime?: number };
}

function parseTrace(buffer: Buffer): TraceEvent[] {
  const parsed = JSON.parse(buffer.toString('utf8')) as TraceEvent[] | { traceEvents: TraceEvent[] };
  return Array.isArray(parsed) ? parsed : parsed.traceEvents;
}

/**
 * The top-level tasks of the main thread of the page that recorded the
 * performance.measure `measureName`, on the page's clock (performance.now()):
 * wall time and the CPU time the thread spent in each. Top-level: not inside
 * another traced slice of that thread.
 */
function mainThreadTasks(trace: readonly TraceEvent[], measureName: string): { start: number; wallMs: number; cpuMs: number }[] {
  const measure = trace.find((e) => e.name === measureName && e.ph === 'b');
  if (!measure || measure.args?.startTime === undefined) throw new Error(`no performance.measure "${measureName}" in the trace`);
  const offsetMs = measure.ts / 1000 - measure.args.startTime;
  const main = trace.find((e) => e.name === 'thread_name' && e.pid === measure.pid && e.args?.name === 'CrRendererMain');
  if (!main) throw new Error(`no CrRendererMain thread of process ${measure.pid} in the trace`);
  const slices = trace.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const topLevel: TraceEvent[] = [];
  for (const e of slices) {
    const last = topLevel[topLevel.length - 1];
    if (!last || e.ts >= last.ts + last.dur!) topLevel.push(e);
  }
  return topLevel.map((e) => ({ start: e.ts / 1000 - offsetMs, wallMs: e.dur! / 1000, cpuMs: (e.tdur ?? e.dur!) / 1000 }));
}

/** The CPU time of the main thread's traced tasks that overlap [start, start + ms], whole tasks counted (an upper bound of what it worked then). */
function cpuWithin(tasks: readonly { start: number; wallMs: number; cpuMs: number }[], start: number, ms: number): number | undefined {
  const inside = tasks.filter((t) => t.start < start + ms + 1 && t.start + t.wallMs > start - 1);
  return inside.length === 0 ? undefined : inside.reduce((sum, t) => sum + t.cpuMs, 0);
}

interface PageRun {
  readonly page: Page;
  readonly consoleErrors: string[];
  /** Requests that left the page's own origin (there must be none: the app is offline). */
  readonly foreignRequests: string[];
  /** Every URL the page and its workers asked for. */
  readonly requested: string[];
}

/**
 * Opens the app at `?query`. `fetched`: paths whose fetch() by the page must
 * have been answered in full before this returns (the server runs in this
 * process, so it cannot answer while Node computes).
 */
async function openApp(browser: Browser, server: StaticServer, query: string, options: { fetched?: readonly string[] } = {}): Promise<PageRun> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  await page.addInitScript(watchMainThread);
  const fetched = (options.fetched ?? []).map((suffix) =>
    page.waitForResponse((r) => r.request().resourceType() === 'fetch' && r.url().endsWith(suffix), { timeout: 60_000 }).then((r) => r.finished()),
  );
  const consoleErrors = watchConsoleErrors(page);
  const foreignRequests: string[] = [];
  const requested: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    requested.push(url);
    if (!url.startsWith(`${server.url}/`) && !url.startsWith('blob:') && !url.startsWith('data:')) foreignRequests.push(url);
  });
  await page.goto(`${server.url}/?${query}`);
  await Promise.all(fetched);
  return { page, consoleErrors, foreignRequests, requested };
}

/**
 * Clicks an element from inside the page (as the test did when detection
 * blocked the main thread; now a click would answer at once either way).
 */
async function clickInPage(page: Page, selector: string): Promise<void> {
  await page.locator(selector).waitFor({ state: 'visible' });
  await page.evaluate((s) => (document.querySelector(s) as HTMLElement).click(), selector);
}

interface PageDetection {
  readonly faces: Face[];
  readonly backend: Record<string, unknown>;
  readonly timings: Record<string, number>;
  /** Page timestamps: the request to the inference worker and its answer. */
  readonly requestedAt: number;
  readonly answeredAt: number;
}

/** The page's inference worker (tfjs's wasm threads are workers too, started from blob: URLs). */
async function inferenceWorker(page: Page): Promise<Worker> {
  const isInference = (w: Worker) => /\/assets\/inference\.worker-[^/]*\.js$/.test(w.url());
  return page.workers().find(isInference) ?? page.waitForEvent('worker', { predicate: isInference, timeout: 30_000 });
}

/** Waits until the result panel shows `key` (`photo|backend`) as done, and reads it; an error shown instead is thrown. */
async function readDetection(page: Page, key: string): Promise<PageDetection> {
  const status = await page
    .waitForFunction(
      (k) => {
        const result = document.getElementById('detect-result');
        return result?.dataset.key === k && (result.dataset.status === 'done' || result.dataset.status === 'error') ? result.dataset.status : false;
      },
      key,
      { timeout: 110_000, polling: 100 },
    )
    .then((handle) => handle.jsonValue());
  if (status === 'error') throw new Error(`the page shows an error for ${key}: ${await page.locator('#detect-error').textContent()}`);
  return page.evaluate(() => {
    const record = window.__mobilenetKit.lastDetection!;
    return { faces: [...record.faces], backend: { ...record.backend }, timings: { ...record.timings }, requestedAt: record.requestedAt, answeredAt: record.answeredAt };
  });
}

function compareWithNode(backend: string, expected: readonly Face[], actual: readonly Face[]): { minIou: number; maxScoreDifference: number } {
  const { pairs, missing, extra } = matchFaces(expected, actual);
  expect({ missing, extra }, `${backend}: faces missing from or extra in the page`).toEqual({ missing: [], extra: [] });
  expect(actual.length).toBe(expected.length);
  const minIou = Math.min(...pairs.map((p) => p.iou));
  const maxScoreDifference = Math.max(...pairs.map((p) => p.scoreDifference));
  const maxPixels = Math.max(...pairs.flatMap(({ expected: e, actual: a }) => [a.x - e.x, a.y - e.y, a.width - e.width, a.height - e.height].map(Math.abs)));
  console.log(
    `${backend} in Chromium vs cpu in Node: ${pairs.length} faces, min IoU ${minIou.toFixed(6)}, max |Δscore| ${maxScoreDifference.toExponential(2)}, max |Δ box| ${maxPixels.toExponential(2)} px`,
  );
  for (const pair of pairs) expect(pair.iou, `${backend}: box ${JSON.stringify(pair.actual)} vs ${JSON.stringify(pair.expected)}`).toBeGreaterThanOrEqual(MIN_IOU);
  expect(maxScoreDifference).toBeLessThanOrEqual(MAX_SCORE_DIFFERENCE);
  return { minIou, maxScoreDifference };
}

/**
 * Makes the inference worker behave like a browser whose only WebGL is a
 * software renderer that it flags ("major performance caveat"), as browsers
 * without a usable GPU do; Chromium here never flags SwiftShader (the same
 * trick as packages/backend-webgl's tests). Runs in the worker (where tfjs
 * makes its WebGL context on an OffscreenCanvas) before webgl first starts.
 */
function simulateSoftwareOnlyWebGL(): void {
  type GetContext = (this: unknown, kind: string, attributes?: { failIfMajorPerformanceCaveat?: boolean }) => unknown;
  for (const proto of [OffscreenCanvas.prototype] as unknown as { getContext: GetContext }[]) {
    const real = proto.getContext;
    proto.getContext = function (kind, attributes) {
      if (kind.includes('webgl') && attributes?.failIfMajorPerformanceCaveat) return null;
      return real.call(this, kind, attributes);
    };
  }
}

describe('apps/web, built and served, in headless Chromium', () => {
  let server: StaticServer;
  let browser: Browser;
  /** face-api's SSD MobileNetV1 on the cpu backend in Node, sharp decoding the same files. */
  const nodeFaces = {} as Record<Photo, Face[]>;
  /** The page of the per-backend tests, opened on webgl before Node computes its results. */
  let app: PageRun;

  beforeAll(async () => {
    ensureAppBuilt();
    mkdirSync(OUTPUT, { recursive: true });
    registerCpuBackend();
    // WebGPU too: the page lists webgpu where its worker gets an adapter.
    const [detector, started, launched] = await Promise.all([loadFaceDetector({ backend: 'cpu' }), serveStatic({ folders: { '/': DIST } }), launchChromium({ args: [...WEBGPU_CHROMIUM_ARGS, ...FAKE_CAMERA_ARGS] })]);
    server = started;
    browser = launched;
    try {
      // The page compiles webgl's shaders (the browser's longest step) while Node runs tfjs cpu: two
      // processes, two cores. It has fetched the weights and the photo first: this process serves them. Chromium here runs WebGL on SwiftShader without flagging it as a
      // software renderer, so tfjs takes it as is.
      // A trace of the detections to come: the CPU time of each main-thread task (see the long-task test).
      await browser.startTracing(undefined, { categories: ['toplevel', 'blink.user_timing'] });
      app = await openApp(browser, server, 'backend=webgl&sample=sample4.jpg', { fetched: ['/models/ssd_mobilenetv1_model.bin', '/samples/sample4.jpg'] });
      for (const photo of PHOTOS) {
        nodeFaces[photo] = (await detector.detect(path.join(faceApiDemo, photo))).map(({ box, score }) => ({ ...box, score }));
        expect(nodeFaces[photo].length, photo).toBeGreaterThan(0);
      }
    } finally {
      detector.dispose();
    }
  }, 180_000);

  afterAll(async () => {
    await app?.page.close();
    await browser?.close();
    await server?.close();
  });

  describe('face detection on each backend, switched with the page\'s backend picker and sample photos', () => {
    /** Each detection of these tests, with what the main thread's long-task observer and timer saw meanwhile. */
    const detections: { label: string; key: string; run: PageDetection; main: Awaited<ReturnType<typeof mainThreadDuring>> }[] = [];

    /** Detects through the UI (clicking a sample or a backend when given) and checks the result against Node. */
    async function detectAndCompare(step: { backend: Backend; photo: Photo; click?: 'backend' | 'photo' }): Promise<PageDetection> {
      const { backend, photo } = step;
      if (step.click === 'backend') await clickInPage(app.page, `#backend-picker [data-backend="${backend}"]`);
      if (step.click === 'photo') await clickInPage(app.page, `#samples [data-sample="${photo}"]`);
      const run = await readDetection(app.page, `${photo}|${backend}`);
      await app.page.screenshot({ path: path.join(OUTPUT, `detect-${backend}-${photo.replace('.jpg', '')}.png`) });
      expect(run.backend.name).toBe(backend);
      expect(run.backend.tfjsBackend).toBe(backend);
      expect(Object.keys(run.timings)).toEqual(expect.arrayContaining(['preprocess (pad, resize 512², normalize)', 'network (SSD MobileNetV1)', 'postprocess (decode boxes, NMS)']));
      compareWithNode(`${backend}, ${photo}`, nodeFaces[photo], run.faces);
      // What the page shows agrees with what it exposes.
      await expect(app.page.locator('#faces li').count()).resolves.toBe(run.faces.length);
      await expect(app.page.locator('#overlay .face-box').count()).resolves.toBe(run.faces.length);
      await expect(app.page.locator('#ran-on .backend-name').textContent()).resolves.toBe(backend);
      // The detection ran in the worker: what the page's main thread did meanwhile is checked once the trace is in.
      detections.push({ label: `${backend}, ${photo}`, key: `${photo}|${backend}`, run, main: await mainThreadDuring(app.page, run.requestedAt, run.answeredAt) });
      return run;
    }

    // One detection per step, none wasted: tfjs cpu (≈25 s here) runs on one photo only.
    it(`webgl, sample4.jpg: the boxes equal Node's cpu results (IoU ≥ ${MIN_IOU}); the page says webgl ran`, async () => {
      const run = await detectAndCompare({ backend: 'webgl', photo: 'sample4.jpg' });
      expect(run.backend.webglVersion).toBe(2);
    });

    it(`wasm, ${[...PHOTOS].reverse().join(' and ')}: the boxes equal Node's cpu results (IoU ≥ ${MIN_IOU}); the page says wasm ran, with SIMD`, async () => {
      const run = await detectAndCompare({ backend: 'wasm', photo: 'sample4.jpg', click: 'backend' });
      expect(run.backend.simd).toBe(true);
      await detectAndCompare({ backend: 'wasm', photo: 'sample1.jpg', click: 'photo' });
    });

    it(`cpu, sample1.jpg: the boxes equal Node's cpu results (IoU ≥ ${MIN_IOU}); the page says cpu ran`, async () => {
      await detectAndCompare({ backend: 'cpu', photo: 'sample1.jpg', click: 'backend' });
    });

    it('the page and its inference worker were cross-origin isolated (COOP/COEP headers), as wasm threads need; wasm loaded its threaded build there', async () => {
      expect(await app.page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
      const worker = await inferenceWorker(app.page);
      expect(await worker.evaluate(() => [globalThis.crossOriginIsolated, typeof SharedArrayBuffer])).toEqual([true, 'function']);
      expect(app.requested.some((url) => url.endsWith('/wasm/tfjs-backend-wasm-threaded-simd.wasm'))).toBe(true);
    });

    it('the backend picker lists webgpu: the worker got a WebGPU adapter (Dawn on SwiftShader)', async () => {
      await expect(app.page.locator('#backend-picker [data-backend]').evaluateAll((buttons) => buttons.map((b) => (b as HTMLElement).dataset.backend))).resolves.toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
      await expect(app.page.locator('#env [data-webgpu]').textContent()).resolves.toMatch(/^WebGPU: google swiftshader/);
    });

    it(`while each detection ran, the main thread had no long task (PerformanceObserver 'longtask') that worked over ${LONG_TASK_MS} ms`, async () => {
      const trace = parseTrace(await browser.stopTracing());
      expect(detections.map((d) => d.label)).toEqual(['webgl, sample4.jpg', 'wasm, sample4.jpg', 'wasm, sample1.jpg', 'cpu, sample1.jpg']);
      for (const { label, key, run, main } of detections) {
        const tasks = mainThreadTasks(trace, `detect ${key}`).filter((t) => t.start < run.answeredAt && t.start + t.wallMs > run.requestedAt);
        // Each long task the observer reported, with the CPU time the trace gives that task.
        const longTasks = main.longTasks.map((lt) => ({ ...lt, cpuMs: cpuWithin(tasks, lt.start, lt.duration) }));
        const busiest = Math.max(0, ...tasks.map((t) => t.cpuMs));
        console.log(
          `${label}: detection took ${(run.answeredAt - run.requestedAt).toFixed(0)} ms in the worker; main thread meanwhile: ${tasks.length} tasks, the longest ${Math.max(0, ...tasks.map((t) => t.wallMs)).toFixed(1)} ms (wall), the busiest ${busiest.toFixed(1)} ms of CPU; ` +
            `long tasks observed: ${longTasks.length ? longTasks.map((t) => `${t.duration.toFixed(0)} ms at +${(t.start - run.requestedAt).toFixed(0)} ms (${t.cpuMs === undefined ? 'not in the trace' : `main thread worked ${t.cpuMs.toFixed(1)} ms of it`})`).join(', ') : 'none'}; longest timer gap ${main.longestGapMs.toFixed(1)} ms`,
        );
        expect(tasks.length, `${label}: no main-thread task in the trace`).toBeGreaterThan(0);
        // A long task in which the main thread did not work 50 ms is the OS running other processes on this shared 2-core machine (the Long Tasks API counts wall time).
        expect(longTasks.filter((t) => t.cpuMs === undefined || t.cpuMs > LONG_TASK_MS), `${label}: main-thread long tasks while detecting`).toEqual([]);
        expect(busiest, `${label}: CPU time of the busiest main-thread task`).toBeLessThanOrEqual(LONG_TASK_MS);
      }
    });

    it('the page fetched nothing from outside its origin and logged no errors', () => {
      expect(app.foreignRequests).toEqual([]);
      expect(app.consoleErrors).toEqual([]);
    });
  });

  it('webgl where the browser offers only a software renderer: the page says why and offers it, shows no stale result, and wasm still works', async () => {
    const app = await openApp(browser, server, `backend=wasm&sample=${PHOTO}`);
    try {
      const first = await readDetection(app.page, `${PHOTO}|wasm`);
      // webgl has not started in the worker yet: from here on it sees a software-only WebGL.
      await (await inferenceWorker(app.page)).evaluate(simulateSoftwareOnlyWebGL);
      expect(first.faces.length).toBe(nodeFaces[PHOTO].length);
      await app.page.click('#backend-picker [data-backend="webgl"]');
      await app.page.waitForFunction((k) => document.getElementById('detect-result')?.dataset.key === k && document.getElementById('detect-result')?.dataset.status === 'error', `${PHOTO}|webgl`, { timeout: 60_000 });
      const message = await app.page.locator('#detect-error').textContent();
      expect(message).toContain('Detection on webgl failed');
      expect(message).toContain('only a software WebGL renderer');
      await expect(app.page.locator('#detect-error button').textContent()).resolves.toBe('Use the software WebGL renderer anyway');
      // The wasm result is gone from the screen rather than passed off as webgl's, and nothing ran in webgl's place.
      await expect(app.page.locator('#overlay .face-box').count()).resolves.toBe(0);
      await expect(app.page.locator('#ran-on').textContent()).resolves.toBe('Nothing ran on webgl.');
      expect(await app.page.evaluate(() => window.__mobilenetKit.lastDetection?.key)).toBe(`${PHOTO}|wasm`);
      await app.page.screenshot({ path: path.join(OUTPUT, 'webgl-error.png') });
      await app.page.click('#backend-picker [data-backend="wasm"]');
      const again = await readDetection(app.page, `${PHOTO}|wasm`);
      expect(again.faces).toEqual(first.faces);
      expect(await app.page.locator('#detect-error').isHidden()).toBe(true);
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.page.close();
    }
  });

  it('webcam (Chromium\'s fake camera): frames go to the worker as ImageBitmaps and come back as results on wasm, with stage timings; stopping ends the loop', async () => {
    const app = await openApp(browser, server, 'backend=wasm&sample=none');
    try {
      await clickInPage(app.page, '#webcam-button');
      await app.page.waitForFunction(() => document.querySelector('#ran-on .backend-name')?.textContent === 'wasm', undefined, { timeout: 60_000 });
      await expect(app.page.locator('#caption').textContent()).resolves.toBe('Webcam: detecting continuously');
      // The test pattern has no face.
      await expect(app.page.locator('#face-count').textContent()).resolves.toBe('0');
      await expect(app.page.locator('#timings').textContent()).resolves.toContain('network (SSD MobileNetV1)');
      await clickInPage(app.page, '#webcam-button');
      await expect(app.page.locator('#webcam-button').textContent()).resolves.toBe('Use the webcam');
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.page.close();
    }
  });

  it('backbone explorer: the sliders pick 0.5 MobileNet-160, its table and totals are core\'s cost model, latency is measured on wasm; the hidden detection tab waits until shown', async () => {
    // The default photo is chosen, but the detection tab is hidden: it must not detect until shown.
    const app = await openApp(browser, server, 'tab=explore&backend=wasm');
    try {
      const setSlider = (id: string, index: number) =>
        app.page.evaluate(
          ({ id, index }) => {
            const input = document.getElementById(id) as HTMLInputElement;
            input.value = String(index);
            input.dispatchEvent(new Event('input', { bubbles: true }));
          },
          { id, index },
        );
      await setSlider('alpha', 1); // 0.5
      await setSlider('resolution', 1); // 160
      await expect(app.page.locator('#model-name').textContent()).resolves.toBe('0.5 MobileNet-160');
      const expected = graphCost(mobilenetV1({ alpha: 0.5, resolution: 160 }));
      const cards = await app.page.evaluate(() => ({ ...document.getElementById('cards')!.dataset }));
      expect(Number(cards.multAdds)).toBe(expected.totals.multAdds);
      expect(Number(cards.params)).toBe(expected.totals.params);
      // The rows add up to the total, and the paper's row for this model is shown (Table 9: 60.2%, 76M).
      const rowMultAdds = await app.page.$$eval('#layer-table td[data-mult-adds]', (cells) => cells.reduce((sum, c) => sum + Number((c as HTMLElement).dataset.multAdds), 0));
      expect(rowMultAdds).toBe(expected.totals.multAdds);
      await expect(app.page.locator('#cards').textContent()).resolves.toContain('60.2% top-1');

      await app.page.click('#measure-button');
      const latency = await app.page
        .waitForFunction(() => ['done', 'error'].includes(document.getElementById('latency-result')?.dataset.status ?? '') && document.getElementById('latency-result')!.dataset.status, undefined, { timeout: 60_000 })
        .then(() => app.page.evaluate(() => ({ status: document.getElementById('latency-result')!.dataset.status, record: window.__mobilenetKit.lastLatency, text: document.getElementById('latency-result')!.textContent })));
      expect(latency.status, latency.text).toBe('done');
      expect(latency.record?.model).toBe('0.5 MobileNet-160');
      expect(latency.record?.backend.name).toBe('wasm');
      expect(latency.record?.medianMs).toBeGreaterThan(0);
      console.log(`explorer: 0.5 MobileNet-160 on wasm in Chromium: first run ${latency.record?.firstMs.toFixed(1)} ms, median ${latency.record?.medianMs.toFixed(1)} ms`);
      await app.page.screenshot({ path: path.join(OUTPUT, 'explorer.png'), fullPage: true });
      expect(await app.page.evaluate(() => [document.getElementById('detect-result')!.dataset.status, window.__mobilenetKit.lastDetection])).toEqual(['idle', undefined]);
      await app.page.click('#tab-button-detect');
      const run = await readDetection(app.page, 'sample1.jpg|wasm');
      expect(run.faces.length).toBe(nodeFaces['sample1.jpg'].length);
      expect(app.foreignRequests).toEqual([]);
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.page.close();
    }
  });
});
