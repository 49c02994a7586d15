import { BackendChoice } from './app-state';
import { onRetryWithSoftwareWebGL } from './backend-display';
import { BACKEND_BLURBS, BACKEND_NAMES, type BackendName, isBackendName } from './backend-names';
import { DetectionPanel } from './detection-panel';
import { byId, el, replaceChildren } from './dom';
import { ExplorerPanel } from './explorer-panel';
import { InferenceClient } from './inference-client';
import { MODEL_FOLDER, SAMPLE_PHOTOS, WASM_FOLDER } from './offline-assets';
import { pageUrl } from './page-url';
import { testHook } from './test-hook';
import type { WebGPUAvailability } from './worker-protocol';

/**
 * URL parameters, so a view can be linked to: `?backend=wasm`,
 * `?sample=sample2.jpg`, `?tab=explore`, and `?webgl=software` to accept a
 * software WebGL renderer (SwiftShader) that tfjs refuses by default.
 */
const params = new URLSearchParams(location.search);
let softwareWebGL = params.get('webgl') === 'software';

// Every backend, decoder and network lives in the inference worker: this page only draws.
const inference = new InferenceClient();
/** Whether the worker got a WebGPU adapter; undefined until it says. */
let webgpu: WebGPUAvailability | undefined;
const setup = inference.call('setup', { wasmUrl: pageUrl(WASM_FOLDER), modelUrl: pageUrl(MODEL_FOLDER), softwareWebGL });

const requested = params.get('backend');
const backend = new BackendChoice(isBackendName(requested) ? requested : 'wasm');

/** webgpu is listed where the worker has an adapter (and when it is the one asked for, so that its error shows). */
function offered(name: BackendName): boolean {
  return name !== 'webgpu' || webgpu?.available === true || backend.current === 'webgpu';
}

function renderBackendPicker(): void {
  replaceChildren(
    byId('backend-picker'),
    ...BACKEND_NAMES.filter(offered).map((name) =>
      el(
        'button',
        {
          type: 'button',
          role: 'radio',
          'aria-checked': String(name === backend.current),
          'data-backend': name,
          title: BACKEND_BLURBS[name],
          onclick: () => backend.set(name),
        },
        name,
      ),
    ),
  );
  byId('backend-blurb').textContent = BACKEND_BLURBS[backend.current];
}

function renderEnvironment(): void {
  const crossOriginIsolated = globalThis.crossOriginIsolated === true;
  replaceChildren(
    byId('env'),
    el('span', { class: crossOriginIsolated ? 'ok' : 'warn' }, crossOriginIsolated ? 'cross-origin isolated: wasm may use threads' : 'not cross-origin isolated (no COOP/COEP headers): wasm runs on one thread'),
    el('span', {}, `${navigator.hardwareConcurrency ?? 1} logical cores`),
    el('span', {}, 'inference in a Web Worker'),
    webgpu === undefined
      ? null
      : webgpu.available
        ? el('span', { class: 'ok', 'data-webgpu': 'available' }, `WebGPU: ${webgpu.adapter || 'adapter'}`)
        : el('span', { class: 'muted', 'data-webgpu': 'unavailable', title: webgpu.reason }, 'no WebGPU adapter: webgpu not offered'),
    softwareWebGL ? el('span', { class: 'warn' }, 'software WebGL accepted') : null,
  );
}

function selectTab(tab: string): void {
  for (const button of document.querySelectorAll<HTMLElement>('[role=tab]')) {
    const selected = button.dataset.tab === tab;
    button.setAttribute('aria-selected', String(selected));
    byId(`tab-${button.dataset.tab}`).hidden = !selected;
  }
  detection.setShown(tab === 'detect');
  explorer.setShown(tab === 'explore');
}

renderBackendPicker();
renderEnvironment();
backend.onChange(renderBackendPicker);
for (const button of document.querySelectorAll<HTMLElement>('[role=tab]')) button.addEventListener('click', () => selectTab(button.dataset.tab ?? 'detect'));

const detection = new DetectionPanel(backend, inference);
const explorer = new ExplorerPanel(backend, inference);

setup.then(
  (reply) => {
    webgpu = reply.webgpu;
    renderBackendPicker();
    renderEnvironment();
  },
  // The worker failed to start: every detection and measurement shows the same error.
  () => undefined,
);

onRetryWithSoftwareWebGL(() => {
  softwareWebGL = true;
  // The worker handles requests in order: the next detection finds the new webgl backend.
  void inference.call('useSoftwareWebGL', null).catch(() => undefined);
  detection.forgetBackend('webgl' satisfies BackendName);
  renderEnvironment();
  void detection.detect();
});

selectTab(params.get('tab') === 'explore' ? 'explore' : 'detect');
const sample = params.get('sample');
if (sample !== 'none') detection.pickSample((SAMPLE_PHOTOS as readonly string[]).includes(sample ?? '') ? sample! : SAMPLE_PHOTOS[0]);
testHook().ready = true;
