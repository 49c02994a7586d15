import type { BackendInfo } from '@mobilenet-kit/core';
import type { BackendChoice } from './app-state';
import type { BackendName } from './backend-names';
import { describeBackend, showError } from './backend-display';
import { afterNextPaint, byId, el, replaceChildren, svg } from './dom';
import { errorMessage, formatMs } from './format';
import type { InferenceClient } from './inference-client';
import { SAMPLE_FOLDER, SAMPLE_PHOTOS } from './offline-assets';
import { pageUrl } from './page-url';
import { type DetectionRecord, testHook } from './test-hook';
import type { ImageInput, PlainFace, Stage } from './worker-protocol';

/** A still image the user picked: a sample photo or their own file. */
interface PhotoChoice {
  /** Names the image in the result's key (`sample1.jpg`, `file:me.png`). */
  readonly key: string;
  readonly label: string;
  readonly displayUrl: string;
  /** What the worker decodes: a sample's URL (the worker fetches it) or a file's bytes (transferred, not copied). */
  readonly image: () => Promise<{ input: ImageInput; transfer: Transferable[] }>;
}

function samplePhoto(name: string): PhotoChoice {
  const url = pageUrl(SAMPLE_FOLDER + name);
  return { key: name, label: `${name} (face-api demo photo)`, displayUrl: url, image: async () => ({ input: { kind: 'url', url }, transfer: [] }) };
}

/**
 * The face detection tab: pick a sample, a file or the webcam; the chosen
 * backend runs face-api's SSD MobileNetV1; boxes are drawn over the image
 * with their scores, and each stage's latency is listed.
 */
export class DetectionPanel {
  readonly #backend: BackendChoice;
  readonly #inference: InferenceClient;
  /** Backends whose detector the worker has loaded (for the busy text only). */
  readonly #loaded = new Set<BackendName>();
  #photo: PhotoChoice | undefined;
  #busy = false;
  #again = false;
  #shown = true;
  #pendingWhileHidden = false;
  #webcam: { stream: MediaStream } | undefined;
  readonly #result = byId('detect-result');

  /** Decoding and detection run in the inference worker (`inference`); this panel only shows what it answers. */
  constructor(backend: BackendChoice, inference: InferenceClient) {
    this.#backend = backend;
    this.#inference = inference;
    this.#renderSamples();
    this.#wireInputs();
    backend.onChange(() => {
      if (this.#webcam) return; // the webcam loop picks the new backend up on its next frame
      if (this.#photo) this.#detectWhenShown();
    });
  }

  /**
   * Whether the tab is shown. A hidden tab does not detect (a backend picked
   * for the explorer must not start a face detection that keeps the worker
   * busy for seconds on cpu); it catches up when shown again. Leaving the tab stops the webcam.
   */
  setShown(shown: boolean): void {
    this.#shown = shown;
    if (!shown) this.#stopWebcam();
    else if (this.#pendingWhileHidden) {
      this.#pendingWhileHidden = false;
      void this.detect();
    }
  }

  #detectWhenShown(): void {
    if (this.#shown) void this.detect();
    else this.#pendingWhileHidden = true;
  }

  /** The software-WebGL retry replaced the webgl backend in the worker: its detector loads again. */
  forgetBackend(backend: BackendName): void {
    this.#loaded.delete(backend);
  }

  /** Shows a sample photo and detects faces in it. */
  pickSample(name: string): void {
    this.#stopWebcam();
    this.#choosePhoto(samplePhoto(name));
  }

  #renderSamples(): void {
    const container = byId('samples');
    for (const name of SAMPLE_PHOTOS) {
      const button = el(
        'button',
        { type: 'button', class: 'sample', 'data-sample': name, title: name, 'aria-label': `Detect faces in ${name}`, onclick: () => this.pickSample(name) },
        el('img', { src: pageUrl(SAMPLE_FOLDER + name), alt: '', loading: 'lazy', decoding: 'async' }),
      );
      container.append(button);
    }
  }

  #wireInputs(): void {
    const fileInput = byId<HTMLInputElement>('file-input');
    fileInput.addEventListener('change', () => {
      const file = fileInput.files?.[0];
      if (file) this.#chooseFile(file);
      fileInput.value = '';
    });
    const dropTargets = [byId('dropzone'), byId('stage')];
    for (const target of dropTargets) {
      target.addEventListener('dragover', (event) => {
        event.preventDefault();
        target.classList.add('dragging');
      });
      target.addEventListener('dragleave', () => target.classList.remove('dragging'));
      target.addEventListener('drop', (event) => {
        event.preventDefault();
        target.classList.remove('dragging');
        const file = event.dataTransfer?.files[0];
        if (file) this.#chooseFile(file);
      });
    }
    byId('detect-button').addEventListener('click', () => {
      if (this.#webcam) return;
      if (!this.#photo) this.pickSample(SAMPLE_PHOTOS[0]);
      else void this.detect();
    });
    const minScore = byId<HTMLInputElement>('min-score');
    minScore.addEventListener('input', () => {
      byId('min-score-value').textContent = Number(minScore.value).toFixed(2);
    });
    minScore.addEventListener('change', () => {
      if (this.#photo && !this.#webcam) void this.detect();
    });
    const webcamButton = byId('webcam-button');
    if (!navigator.mediaDevices?.getUserMedia) {
      webcamButton.setAttribute('disabled', '');
      webcamButton.title = 'This browser gives no camera access here (it needs https or localhost).';
    }
    webcamButton.addEventListener('click', () => (this.#webcam ? this.#stopWebcam() : void this.#startWebcam()));
  }

  #chooseFile(file: File): void {
    if (!file.type.startsWith('image/') && file.type !== '') {
      this.#showError('Not an image', `${file.name} is ${file.type}: drop a JPEG, PNG, WebP or GIF.`);
      return;
    }
    this.#stopWebcam();
    const url = URL.createObjectURL(file);
    this.#choosePhoto({ key: `file:${file.name}`, label: `${file.name} (${Math.round(file.size / 1024)} KB, your file)`, displayUrl: url,
      image: async () => {
        const bytes = await file.arrayBuffer();
        return { input: { kind: 'bytes', bytes }, transfer: [bytes] };
      },
    });
  }

  #choosePhoto(photo: PhotoChoice): void {
    if (this.#photo?.displayUrl.startsWith('blob:') && this.#photo.displayUrl !== photo.displayUrl) URL.revokeObjectURL(this.#photo.displayUrl);
    this.#photo = photo;
    for (const button of document.querySelectorAll<HTMLElement>('.sample')) button.classList.toggle('selected', button.dataset.sample === photo.key);
    const img = byId<HTMLImageElement>('photo');
    img.hidden = false;
    byId('video').hidden = true;
    img.src = photo.displayUrl;
    replaceChildren(byId('overlay'));
    byId('caption').textContent = photo.label;
    this.#detectWhenShown();
  }

  /** Detects faces in the chosen photo; a request while one runs runs once more afterwards, with the latest choices. */
  async detect(): Promise<void> {
    if (this.#busy) {
      this.#again = true;
      return;
    }
    this.#busy = true;
    try {
      do {
        this.#again = false;
        await this.#detectPhotoOnce();
      } while (this.#again);
    } finally {
      this.#busy = false;
    }
  }

  async #detectPhotoOnce(): Promise<void> {
    const photo = this.#photo;
    if (!photo) return;
    const backend = this.#backend.current;
    const key = `${photo.key}|${backend}`;
    this.#setStatus('loading', key);
    this.#showBusy(this.#loaded.has(backend) ? (backend === 'cpu' ? 'Detecting on cpu (plain JavaScript: several seconds)…' : `Detecting on ${backend}…`) : `Loading the detector on ${backend}, then detecting…`);
    try {
      await afterNextPaint();
      const { input, transfer } = await photo.image();
      const minScore = Number(byId<HTMLInputElement>('min-score').value);
      const requestedAt = performance.now();
      const running = this.#inference.call('detect', { backend, imageKey: photo.key, image: input, minScore }, transfer);
      this.#setStatus('running', key);
      const reply = await running;
      const answeredAt = performance.now();
      // Shows in the browser's performance tools (and in the end-to-end test's trace) as one span per detection.
      performance.measure(`detect ${key}`, { start: requestedAt, end: answeredAt });
      this.#loaded.add(backend);
      // Stale: the user picked something else meanwhile; the loop in detect() runs again.
      if (this.#photo !== photo || this.#backend.current !== backend) return;
      this.#render(reply.imageSize, reply.faces, reply.backend, reply.stages);
      this.#record({ key, image: photo.key, backend: reply.backend, imageSize: reply.imageSize, faces: reply.faces, timings: Object.fromEntries(reply.stages.map((s) => [s.label, s.ms])), requestedAt, answeredAt });
    } catch (error) {
      if (this.#photo !== photo || this.#backend.current !== backend) return;
      this.#setStatus('error', key);
      this.#clearResults(`Nothing ran on ${backend}.`);
      this.#showError(`Detection on ${backend} failed`, errorMessage(error), backend);
    } finally {
      this.#hideBusy();
    }
  }

  async #startWebcam(): Promise<void> {
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
    } catch (error) {
      this.#showError('No webcam', `The browser gave no camera: ${errorMessage(error)}. Pick a photo or drop one instead.`);
      return;
    }
    const video = byId<HTMLVideoElement>('video');
    video.srcObject = stream;
    await video.play();
    byId('photo').hidden = true;
    video.hidden = false;
    this.#photo = undefined;
    for (const button of document.querySelectorAll<HTMLElement>('.sample')) button.classList.remove('selected');
    byId('webcam-button').textContent = 'Stop the webcam';
    byId('caption').textContent = 'Webcam: detecting continuously';
    const webcam = { stream };
    this.#webcam = webcam;
    void this.#webcamLoop(webcam, video);
  }

  /** One frame at a time: the frame goes to the worker as an ImageBitmap (transferred), the next is taken once its faces are drawn. */
  async #webcamLoop(webcam: { stream: MediaStream }, video: HTMLVideoElement): Promise<void> {
    while (this.#webcam === webcam) {
      const backend = this.#backend.current;
      try {
        if (video.videoWidth > 0 && video.videoHeight > 0) {
          const bitmap = await createImageBitmap(video);
          const reply = await this.#inference.call('detect', { backend, imageKey: 'webcam', image: { kind: 'bitmap', bitmap }, minScore: Number(byId<HTMLInputElement>('min-score').value) }, [bitmap]);
          this.#loaded.add(backend);
          if (this.#webcam !== webcam) break;
          this.#render(reply.imageSize, reply.faces, reply.backend, reply.stages);
        }
      } catch (error) {
        this.#stopWebcam();
        this.#clearResults(`Nothing ran on ${backend}.`);
        this.#showError(`Detection on ${backend} failed`, errorMessage(error), backend);
        break;
      }
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  }

  #stopWebcam(): void {
    const webcam = this.#webcam;
    if (!webcam) return;
    this.#webcam = undefined;
    for (const track of webcam.stream.getTracks()) track.stop();
    const video = byId<HTMLVideoElement>('video');
    video.srcObject = null;
    byId('webcam-button').textContent = 'Use the webcam';
    byId('caption').textContent = 'Webcam stopped. Pick a photo, or start it again.';
    replaceChildren(byId('overlay'));
  }

  #render(size: { width: number; height: number }, faces: readonly PlainFace[], backend: BackendInfo, stages: readonly Stage[]): void {
    byId('detect-error').hidden = true;
    drawBoxes(byId('overlay') as unknown as SVGSVGElement, size, faces);
    replaceChildren(byId('ran-on'), ...describeBackend(backend));
    renderStages(byId('timings'), stages);
    byId('face-count').textContent = String(faces.length);
    replaceChildren(
      byId('faces'),
      ...faces.map((face, i) =>
        el(
          'li',
          {},
          el('span', { class: 'face-index' }, i + 1),
          el('span', { class: 'score' }, face.score.toFixed(3)),
          el('span', { class: 'box' }, `${Math.round(face.width)}×${Math.round(face.height)} at (${Math.round(face.x)}, ${Math.round(face.y)})`),
        ),
      ),
    );
    if (faces.length === 0) byId('faces').append(el('li', { class: 'muted' }, 'No face above the minimum score.'));
  }

  /** After a failure: no boxes, times or faces of an earlier run stay on screen as if they were this one's. */
  #clearResults(note: string): void {
    replaceChildren(byId('overlay'));
    replaceChildren(byId('ran-on'), el('span', { class: 'muted' }, note));
    replaceChildren(byId('timings'), el('span', { class: 'muted' }, '—'));
    replaceChildren(byId('faces'));
    byId('face-count').textContent = '';
  }

  #record(record: DetectionRecord): void {
    this.#result.dataset.detections = JSON.stringify(record.faces);
    this.#result.dataset.backend = JSON.stringify(record.backend);
    this.#result.dataset.imageSize = JSON.stringify(record.imageSize);
    testHook().lastDetection = record;
    this.#setStatus('done', record.key);
  }

  #setStatus(status: 'loading' | 'running' | 'done' | 'error', key: string): void {
    this.#result.dataset.key = key;
    this.#result.dataset.status = status;
  }

  #showError(title: string, message: string, backend?: BackendName): void {
    showError(byId('detect-error'), title, message, backend);
  }

  #showBusy(text: string): void {
    byId('busy-text').textContent = text;
    byId('busy').hidden = false;
    byId<HTMLButtonElement>('detect-button').disabled = true;
  }

  #hideBusy(): void {
    byId('busy').hidden = true;
    byId<HTMLButtonElement>('detect-button').disabled = false;
  }
}

/** One bar per stage, scaled to the longest; the per-detection total under them. */
function renderStages(container: HTMLElement, stages: readonly Stage[]): void {
  const longest = Math.max(...stages.map((s) => s.ms), 1e-6);
  const perDetection = stages.filter((s) => !s.once).reduce((sum, s) => sum + s.ms, 0);
  replaceChildren(
    container,
    ...stages.map((stage) =>
      el(
        'div',
        { class: `stage-row${stage.once ? ' once' : ''}` },
        el('span', { class: 'stage-label' }, stage.label),
        el('span', { class: 'bar' }, el('span', { class: 'fill', style: `width: ${Math.max(1, (100 * stage.ms) / longest).toFixed(1)}%` })),
        el('span', { class: 'ms' }, formatMs(stage.ms)),
      ),
    ),
    el('div', { class: 'stage-total' }, el('span', {}, 'per detection'), el('strong', {}, formatMs(perDetection))),
    stages.some((s) => s.once) ? el('p', { class: 'hint' }, 'Dashed bars happen once (first use of a backend, a new image).') : null,
  );
}

/** Boxes and score tags in image pixels: the SVG's viewBox is the image, so it scales with it. */
function drawBoxes(overlay: SVGSVGElement, size: { width: number; height: number }, faces: readonly PlainFace[]): void {
  overlay.setAttribute('viewBox', `0 0 ${size.width} ${size.height}`);
  const stroke = Math.max(2, size.width / 320);
  const font = Math.max(12, size.width / 55);
  replaceChildren(
    overlay,
    ...faces.map((face) => {
      const { x, y, width, height } = face;
      const tag = face.score.toFixed(2);
      const tagWidth = font * 0.62 * tag.length + font * 0.6;
      const tagY = y - font * 1.35 >= 0 ? y - font * 1.35 : y;
      return svg(
        'g',
        { class: 'face' },
        svg('rect', { x, y, width, height, 'stroke-width': stroke, class: 'face-box' }),
        svg('rect', { x: x - stroke / 2, y: tagY, width: tagWidth, height: font * 1.35, class: 'face-tag' }),
        svg('text', { x: x + font * 0.3, y: tagY + font * 1.02, 'font-size': font, class: 'face-score' }, tag),
      );
    }),
  );
}
