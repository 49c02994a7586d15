import type { BackendInfo } from '@mobilenet-kit/core';
import type { BackendName } from './backend-names';
import { el, replaceChildren } from './dom';

/** A listener for "retry webgl with a software renderer", set by main.ts. */
let retryWithSoftwareWebGL: (() => void) | undefined;

export function onRetryWithSoftwareWebGL(handler: () => void): void {
  retryWithSoftwareWebGL = handler;
}

/** `wasm` + details (`SIMD`, `4 threads`, the WebGL renderer…): which backend actually ran, as CompiledModel.backend says. */
export function describeBackend(info: BackendInfo): Node[] {
  const details: string[] = [];
  for (const [key, value] of Object.entries(info)) {
    if (key === 'name') continue;
    if (key === 'tfjsBackend') details.push(`tfjs ${value}`);
    else if (key === 'simd') details.push(value ? 'SIMD' : 'no SIMD');
    else if (key === 'threads') details.push(`${value} thread${value === 1 ? '' : 's'}`);
    else if (key === 'webglVersion') details.push(`WebGL ${value}`);
    else if (key === 'textures') details.push(`${value} textures`);
    else if (key === 'packed') details.push(value ? 'packed' : 'unpacked');
    else details.push(String(value));
  }
  return [
    el('span', { class: 'label' }, 'ran on'),
    el('strong', { class: 'backend-name', 'data-backend-name': info.name }, info.name),
    el('span', { class: 'details' }, details.join(' · ')),
  ];
}

/** An error box: a title, the message as the library wrote it, and a way out where there is one. */
export function showError(box: HTMLElement, title: string, message: string, backend?: BackendName): void {
  const softwareOnly = backend === 'webgl' && /software/i.test(message) && retryWithSoftwareWebGL !== undefined;
  replaceChildren(
    box,
    el('strong', {}, title),
    el('p', {}, message),
    softwareOnly
      ? el('button', { type: 'button', class: 'secondary', onclick: () => retryWithSoftwareWebGL?.() }, 'Use the software WebGL renderer anyway')
      : backend === 'webgl'
        ? el('p', { class: 'hint' }, 'Pick wasm or cpu above: they run everywhere.')
        : null,
  );
  box.hidden = false;
}
