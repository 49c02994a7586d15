import { mobilenetV1 } from '@mobilenet-kit/backbone';
import type { BackendChoice } from './app-state';
import { describeBackend, showError } from './backend-display';
import { byId, el, replaceChildren } from './dom';
import type { InferenceClient } from './inference-client';
import { errorMessage, formatCount, formatInteger, formatMs, formatShape, median } from './format';
import { type BackboneListing, listBackbone } from './layer-rows';
import { ALPHAS, RESOLUTIONS, modelName, paperFigure } from './paper-figures';
import { type LatencyRecord, testHook } from './test-hook';

/** Timed runs after the first one; tfjs cpu takes about a second per 1.0-224 run, so it gets fewer. */
const TIMED_RUNS: Record<string, number> = { cpu: 3, wasm: 10, webgl: 10, webgpu: 10 };

interface Model {
  readonly alpha: number;
  readonly resolution: number;
}

/**
 * The backbone explorer: α and resolution sliders over MobileNet v1, the
 * layer table and totals from core's cost model, the paper's trade-off grid,
 * and measured latency on the chosen backend.
 */
export class ExplorerPanel {
  readonly #backend: BackendChoice;
  readonly #inference: InferenceClient;
  /** Cost listings of the 16 models, computed once (graph building is cheap but not free). */
  readonly #listings = new Map<string, BackboneListing>();
  #model: Model = { alpha: 1, resolution: 224 };
  readonly #history: LatencyRecord[] = [];
  #measuring = false;
  /** Whether the tables were drawn: not before the tab is first shown, so the page's first task stays short. */
  #drawn = false;

  /** The layer table and costs are computed here; the timing runs go to the inference worker (`inference`). */
  constructor(backend: BackendChoice, inference: InferenceClient) {
    this.#backend = backend;
    this.#inference = inference;
    const alpha = byId<HTMLInputElement>('alpha');
    const resolution = byId<HTMLInputElement>('resolution');
    const update = () => this.select({ alpha: ALPHAS[Number(alpha.value)]!, resolution: RESOLUTIONS[Number(resolution.value)]! });
    alpha.addEventListener('input', update);
    resolution.addEventListener('input', update);
    byId('measure-button').addEventListener('click', () => void this.measure());
    backend.onChange(() => this.#renderMeasureButton());
  }

  /** Draws the explorer the first time its tab is shown (16 models' cost listings: tens of ms of main-thread work). */
  setShown(shown: boolean): void {
    if (shown && !this.#drawn) this.select(this.#model);
  }

  /** Shows a model (also moves the sliders, when a grid cell was clicked). */
  select(model: Model): void {
    this.#drawn = true;
    this.#model = model;
    byId<HTMLInputElement>('alpha').value = String(ALPHAS.indexOf(model.alpha as (typeof ALPHAS)[number]));
    byId<HTMLInputElement>('resolution').value = String(RESOLUTIONS.indexOf(model.resolution as (typeof RESOLUTIONS)[number]));
    byId('alpha-value').textContent = model.alpha.toFixed(2).replace(/0$/, '');
    byId('resolution-value').textContent = `${model.resolution}×${model.resolution} (ρ = ${Number((model.resolution / 224).toFixed(3))})`;
    byId('model-name').textContent = modelName(model.alpha, model.resolution);
    const listing = this.#listing(model);
    this.#renderCards(listing);
    this.#renderGrid();
    this.#renderTable(listing);
    this.#renderMeasureButton();
  }

  #listing({ alpha, resolution }: Model): BackboneListing {
    const key = `${alpha}|${resolution}`;
    let listing = this.#listings.get(key);
    if (!listing) {
      listing = listBackbone(mobilenetV1({ alpha, resolution }));
      this.#listings.set(key, listing);
    }
    return listing;
  }

  #renderCards(listing: BackboneListing): void {
    const { alpha, resolution } = this.#model;
    const { totals } = listing;
    const full = this.#listing({ alpha: 1, resolution: 224 }).totals;
    const paper = paperFigure(alpha, resolution);
    const card = (title: string, value: string, ...notes: (string | Node)[]) =>
      el('div', { class: 'card' }, el('span', { class: 'card-title' }, title), el('strong', { class: 'card-value' }, value), ...notes.map((n) => el('span', { class: 'card-note' }, n)));
    replaceChildren(
      byId('cards'),
      card('mult-adds', formatCount(totals.multAdds), `${((100 * totals.multAdds) / full.multAdds).toFixed(1)}% of 1.0 MobileNet-224`, 'conv, depthwise and FC, as the paper counts'),
      card('parameters', formatCount(totals.params), `${formatInteger(totals.params)} kernel weights`, `${formatCount(totals.paramsWithBiasAndBn)} with biases and batch norm`),
      paper
        ? card('the paper says', `${paper.top1}% top-1`, `${paper.multAddsM}M mult-adds, ${paper.paramsM}M params`, `ImageNet, ${paper.table}`, ...(paper.note ? [paper.note] : []))
        : card('the paper says', '—', 'no ImageNet figure for this pair', 'Tables 6 and 7 vary α and ρ one at a time'),
    );
    byId('cards').dataset.multAdds = String(totals.multAdds);
    byId('cards').dataset.params = String(totals.params);
  }

  #renderGrid(): void {
    const costs = ALPHAS.flatMap((alpha) => RESOLUTIONS.map((resolution) => this.#listing({ alpha, resolution }).totals.multAdds));
    const logMin = Math.log(Math.min(...costs));
    const logMax = Math.log(Math.max(...costs));
    const header = el('div', { class: 'grid-row' }, el('span', { class: 'grid-corner' }, 'α \\ res'), ...RESOLUTIONS.map((r) => el('span', { class: 'grid-head' }, r)));
    const rows = [...ALPHAS].reverse().map((alpha) =>
      el(
        'div',
        { class: 'grid-row' },
        el('span', { class: 'grid-head' }, alpha),
        ...RESOLUTIONS.map((resolution) => {
          const { multAdds } = this.#listing({ alpha, resolution }).totals;
          const heat = (Math.log(multAdds) - logMin) / (logMax - logMin);
          const paper = paperFigure(alpha, resolution);
          const selected = alpha === this.#model.alpha && resolution === this.#model.resolution;
          return el(
            'button',
            {
              type: 'button',
              class: `grid-cell${selected ? ' selected' : ''}${heat > 0.5 ? ' dark' : ''}`,
              style: `--heat: ${heat.toFixed(3)}`,
              title: `${modelName(alpha, resolution)}: ${formatInteger(multAdds)} mult-adds`,
              onclick: () => this.select({ alpha, resolution }),
            },
            el('span', { class: 'cell-cost' }, `${Math.round(multAdds / 1e6)}M`),
            paper ? el('span', { class: 'cell-top1' }, `${paper.top1}%`) : null,
          );
        }),
      ),
    );
    replaceChildren(byId('tradeoff-grid'), header, ...rows);
  }

  #renderTable(listing: BackboneListing): void {
    const total = listing.totals.multAdds;
    const head = el(
      'thead',
      {},
      el('tr', {}, ...['name', 'type', 'stride', 'filter shape', 'output', 'mult-adds', 'share', 'params', 'bias + BN'].map((h) => el('th', {}, h))),
    );
    const body = el(
      'tbody',
      {},
      ...listing.rows.map((row) => {
        const share = total ? (100 * row.multAdds) / total : 0;
        return el(
          'tr',
          { class: `type-${row.type.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}` },
          el('td', { class: 'mono' }, row.name),
          el('td', {}, row.type),
          el('td', {}, row.stride),
          el('td', { class: 'mono' }, row.filter),
          el('td', { class: 'mono' }, formatShape(row.outputShape)),
          el('td', { class: 'num', 'data-mult-adds': row.multAdds }, row.multAdds ? formatCount(row.multAdds) : ''),
          el('td', { class: 'share' }, row.multAdds ? el('span', { class: 'share-bar', style: `width: ${Math.max(2, share * 2).toFixed(1)}px` }) : null, row.multAdds ? `${share.toFixed(1)}%` : ''),
          el('td', { class: 'num' }, row.params ? formatCount(row.params) : ''),
          el('td', { class: 'num' }, row.otherParams ? formatInteger(row.otherParams) : ''),
        );
      }),
    );
    const t = listing.totals;
    const foot = el(
      'tfoot',
      {},
      el('tr', {}, el('td', { colspan: 5 }, 'total'), el('td', { class: 'num' }, formatCount(t.multAdds)), el('td', {}, ''), el('td', { class: 'num' }, formatCount(t.params)), el('td', { class: 'num' }, formatInteger(t.biasParams + t.bnParams))),
    );
    replaceChildren(byId('layer-table'), head, body, foot);
    byId('layer-count').textContent = `${listing.rows.length} rows (batch norm and ReLU6 folded into the conv above them, as in Table 1)`;
  }

  #renderMeasureButton(): void {
    const button = byId<HTMLButtonElement>('measure-button');
    button.textContent = `Measure ${modelName(this.#model.alpha, this.#model.resolution)} on ${this.#backend.current}`;
    button.disabled = this.#measuring;
  }

  /** The worker builds the model with random weights, compiles it on the chosen backend, times a first run and then several more. */
  async measure(): Promise<void> {
    if (this.#measuring) return;
    this.#measuring = true;
    this.#renderMeasureButton();
    const { alpha, resolution } = this.#model;
    const backend = this.#backend.current;
    const name = modelName(alpha, resolution);
    const result = byId('latency-result');
    result.dataset.status = 'running';
    result.dataset.key = `${name}|${backend}`;
    const runs = TIMED_RUNS[backend] ?? 5;
    replaceChildren(result, el('p', { class: 'muted' }, `Compiling ${name} on ${backend}, then 1 + ${runs} runs…`));
    try {
      const { backend: ran, firstMs, times } = await this.#inference.call('measure', { alpha, resolution, backend, runs });
      const record: LatencyRecord = { model: name, backend: ran, firstMs, medianMs: median(times), runs };
      this.#history.unshift(record);
      testHook().lastLatency = record;
      replaceChildren(
        result,
        el('div', { class: 'ran-on' }, ...describeBackend(ran)),
        el(
          'div',
          { class: 'latency-figures' },
          el('div', {}, el('span', { class: 'card-title' }, 'first run'), el('strong', {}, formatMs(firstMs))),
          el('div', {}, el('span', { class: 'card-title' }, `median of ${runs}`), el('strong', { id: 'latency-median' }, formatMs(record.medianMs))),
        ),
      );
      result.dataset.medianMs = String(record.medianMs);
      result.dataset.status = 'done';
      this.#renderHistory();
    } catch (error) {
      result.dataset.status = 'error';
      const box = el('div', { class: 'error' });
      replaceChildren(result, box);
      showError(box, `Could not measure on ${backend}`, errorMessage(error), backend);
    } finally {
      this.#measuring = false;
      this.#renderMeasureButton();
    }
  }

  #renderHistory(): void {
    replaceChildren(
      byId('latency-history'),
      el('thead', {}, el('tr', {}, el('th', {}, 'model'), el('th', {}, 'backend'), el('th', {}, 'first'), el('th', {}, 'median'))),
      el(
        'tbody',
        {},
        ...this.#history.map((r) => el('tr', {}, el('td', {}, r.model), el('td', {}, r.backend.name), el('td', { class: 'num' }, formatMs(r.firstMs)), el('td', { class: 'num' }, formatMs(r.medianMs)))),
      ),
    );
  }
}
