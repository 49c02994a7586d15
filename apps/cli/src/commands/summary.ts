import { ssdHead } from '@mobilenet-kit/detection';
import { filterText, type Graph, listLayers, type ModelListing, strideText, table1Rows } from '@mobilenet-kit/core';
import { defineCommand } from '../command';
import { booleanFlag, choiceFlag } from '../flags';
import { LAYER_TYPE_ROWS } from '../format/layer-types';
import { formatActivationShape, formatCount, formatInteger, formatPercent } from '../format/numbers';
import { renderTable } from '../format/table';
import { EXIT_OK } from '../io';
import { MODEL_FLAGS, buildMobileNet, modelLabel, modelOptionsFromFlags } from '../model-options';
import { UsageError } from '../usage-error';

const SUMMARY_TASKS = ['classification', 'ssd'] as const;

/**
 * The network to list: the classifier of Table 1, or (`--task ssd`) the
 * backbone without its top under the SSD head of the paper's Table 13
 * (taps after pointwise 11 and 13, `--classes` object classes).
 */
function summaryGraph(task: (typeof SUMMARY_TASKS)[number], options: ReturnType<typeof modelOptionsFromFlags>): { graph: Graph; label: string } {
  if (task === 'classification') return { graph: buildMobileNet(options, 'summary'), label: modelLabel(options) };
  if (options.includeTop === false || options.pooling !== undefined) {
    throw new UsageError('mobilenet-kit summary: --task ssd builds its own head: --no-top and --pooling do not apply', 'summary');
  }
  const { classes, ...backboneOptions } = options;
  const backbone = buildMobileNet({ ...backboneOptions, includeTop: false, taps: ['conv_pw_11', 'conv_pw_13'] }, 'summary');
  return { graph: ssdHead(backbone, { numClasses: classes ?? 90 }), label: `SSD ${options.resolution ?? 224} ${modelLabel(options)}` };
}

function renderListing(listing: ModelListing, title: string, allNodes: boolean): string {
  const table1 = table1Rows(listing, { fold: !allNodes });
  const folded = listing.layers.length - table1.length;
  const rows = table1.map(({ layer, otherParams }) => [
    layer.name,
    layer.type,
    strideText(layer, 'x'),
    filterText(layer, 'x'),
    formatActivationShape(layer.outputShape),
    layer.multAdds ? formatCount(layer.multAdds) : '',
    layer.params.kernel ? formatInteger(layer.params.kernel) : '',
    otherParams ? formatInteger(otherParams) : '',
  ]);
  const table = renderTable(
    [
      { header: 'name' },
      { header: 'type' },
      { header: 'stride' },
      { header: 'filter shape' },
      { header: 'output' },
      { header: 'mult-adds', align: 'right' },
      { header: 'params', align: 'right' },
      { header: 'bias+BN', align: 'right' },
    ],
    rows,
  );
  const t = listing.totals;
  const totals = renderTable(
    [{ header: 'totals' }, { header: '', align: 'right' }, { header: 'exact', align: 'right' }],
    [
      ['mult-adds (conv, depthwise and FC, as the paper counts)', formatCount(t.multAdds), formatInteger(t.multAdds)],
      ['params: kernels (the paper\'s count)', formatCount(t.params), formatInteger(t.params)],
      ['params with biases', formatCount(t.paramsWithBias), formatInteger(t.paramsWithBias)],
      ['params with biases and batch norm', formatCount(t.paramsWithBiasAndBn), formatInteger(t.paramsWithBiasAndBn)],
    ],
  );
  const shares = renderTable(
    [{ header: 'layer type (Table 2)' }, { header: 'mult-adds', align: 'right' }, { header: 'share', align: 'right' }, { header: 'params', align: 'right' }, { header: 'share', align: 'right' }],
    LAYER_TYPE_ROWS.map(({ type, label }) => {
      const s = listing.byType[type];
      return [label, formatCount(s.multAdds), formatPercent(s.multAddsPercent), formatCount(s.params), formatPercent(s.paramsPercent)];
    }),
  );
  const note = folded ? `${folded} batch-norm and ReLU nodes are folded into the row above them, as in Table 1 (--all lists every node).\n\n` : '';
  return `${title}\n\n${table}\n\n${note}${totals}\n\n${shares}\n`;
}

export const summaryCommand = defineCommand({
  name: 'summary',
  summary: "a MobileNet v1's layers, mult-adds and parameters (the paper's Tables 1 and 2)",
  description: [
    'Builds a MobileNet v1 with the given options and lists its layers as the paper\'s Table 1 does',
    '(name, type, stride, filter shape, output shape, mult-adds, params), then the totals and the share',
    'of each layer type (Table 2). Mult-adds count conv, depthwise and FC layers; "params" counts their',
    'kernels, as the paper does; biases and batch norm are listed apart. --json prints exact integers.',
  ].join('\n'),
  flags: {
    ...MODEL_FLAGS,
    task: choiceFlag({ valueName: 'T', description: 'the classifier (Table 1) or the SSD detector on the backbone (Table 13; --classes object classes, default 90)', choices: SUMMARY_TASKS, default: 'classification' }),
    all: booleanFlag('list every node, batch norm and ReLU included'),
    json: booleanFlag('print { model, layers, totals, byType } as JSON, with exact integers'),
  },
  examples: [
    'mobilenet-kit summary',
    'mobilenet-kit summary --alpha 0.5 --resolution 160',
    'mobilenet-kit summary --variant shallow --json',
    'mobilenet-kit summary --task ssd --classes 91 --resolution 300',
  ],
  run({ flags }, io) {
    const options = modelOptionsFromFlags(flags);
    const task = flags.task ?? 'classification';
    const { graph, label } = summaryGraph(task, options);
    const listing = listLayers(graph);
    if (flags.json) {
      const output = { model: { name: listing.graph, label, task, options }, layers: listing.layers, totals: listing.totals, byType: listing.byType };
      io.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      return EXIT_OK;
    }
    const classes = task === 'ssd' ? `${options.classes ?? 90} object classes` : options.includeTop === false ? 'no top' : `${options.classes ?? 1000} classes`;
    io.stdout.write(renderListing(listing, `${label} (graph "${listing.graph}", ${classes})`, flags.all === true));
    return EXIT_OK;
  },
});
