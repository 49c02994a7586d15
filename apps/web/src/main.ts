import { BackendChoice } from './app-state';
import { onRetryWithSoftwareWebGL } from './backend-display';
import { BACKEND_BLURBS, BACKEND_NAMES, type BackendName, environmentFacts, isBackendName, registerBackends, registerWebGL } from './backends';
import { DetectionPanel } from './detection-panel';
import { byId, el, replaceChildren } from './dom';
import { ExplorerPanel } from './explorer-panel';
import { SAMPLE_PHOTOS } from './offline-assets';
import { testHook } from './test-hook';

/**
 * URL parameters, so a view can be linked to: `?backend=wasm`,
 * `?sample=sample2.jpg`, `?tab=explore`, and `?webgl=software` to accept a
 * software WebGL renderer (SwiftShader) that tfjs refuses by default.
 */
const params = new URLSearchParams(location.search);
let softwareWebGL = params.get('webgl') === 'software';
registerBackends({ softwareWebGL });

const requested = params.get('backend');
const backend = new BackendChoice(isBackendName(requested) ? requested : 'wasm');

function renderBackendPicker(): void {
  replaceChildren(
    byId('backend-picker'),
    ...BACKEND_NAMES.map((name) =>
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
  const { crossOriginIsolated, cores } = environmentFacts();
  replaceChildren(
    byId('env'),
    el('span', { class: crossOriginIsolated ? 'ok' : 'warn' }, crossOriginIsolated ? 'cross-origin isolated: wasm may use threads' : 'not cross-origin isolated (no COOP/COEP headers): wasm runs on one thread'),
    el('span', {}, `${cores} logical cores`),
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
}

renderBackendPicker();
renderEnvironment();
backend.onChange(renderBackendPicker);
for (const button of document.querySelectorAll<HTMLElement>('[role=tab]')) button.addEventListener('click', () => selectTab(button.dataset.tab ?? 'detect'));

const detection = new DetectionPanel(backend);
new ExplorerPanel(backend);

onRetryWithSoftwareWebGL(() => {
  softwareWebGL = true;
  registerWebGL(true);
  detection.forgetBackend('webgl' satisfies BackendName);
  renderEnvironment();
  void detection.detect();
});

selectTab(params.get('tab') === 'explore' ? 'explore' : 'detect');
const sample = params.get('sample');
if (sample !== 'none') detection.pickSample((SAMPLE_PHOTOS as readonly string[]).includes(sample ?? '') ? sample! : SAMPLE_PHOTOS[0]);
testHook().ready = true;
