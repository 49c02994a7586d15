import { defineCommand } from '../command';
import { booleanFlag } from '../flags';
import { formatMillions, withSign } from '../format/numbers';
import { renderTable } from '../format/table';
import { EXIT_OK } from '../io';
import type { FigureComparison } from '../paper/compare';
import { paperReport, type LayerTypeTable, type ModelTable, type PaperReport } from '../paper/report';

/** Decimals of the printed text ('4.2M' → 1, '94.86%' → 2). */
function printedDecimals(text: string): number {
  return /\.(\d+)/.exec(text)?.[1]?.length ?? 0;
}

/** Recomputed value, difference, difference in %, tolerance and verdict, formatted one or two digits finer than the printed figure. */
function figureCells(cell: FigureComparison): string[] {
  const share = cell.printedText.endsWith('%');
  const decimals = printedDecimals(cell.printedText) + (share ? 1 : 2);
  const value = (n: number) => (share ? `${n.toFixed(decimals)}%` : formatMillions(n, decimals));
  const tolerance = share ? `±${cell.tolerance} pt` : `±${formatMillions(cell.tolerance, decimals)}`;
  const verdict = (cell.withinTolerance ? 'ok' : 'OUTSIDE') + (cell.note ? '*' : '');
  return [
    cell.printedText,
    value(cell.recomputed),
    withSign(cell.difference, (n) => (share ? `${n.toFixed(decimals)} pt` : formatMillions(n, decimals))),
    withSign(cell.differencePercent, (n) => `${n.toFixed(2)}%`),
    tolerance,
    verdict,
  ];
}

const FIGURE_COLUMNS = (what: string) =>
  [
    { header: `${what} printed`, align: 'right' },
    { header: 'recomputed', align: 'right' },
    { header: 'diff', align: 'right' },
    { header: 'diff %', align: 'right' },
    { header: 'tolerance', align: 'right' },
    { header: '' },
  ] as const;

function renderModelTable(table: ModelTable): string {
  const withAccuracy = table.rows.some((r) => r.imagenetTop1Printed !== undefined);
  const columns = [
    { header: table.table === 3 ? 'layer' : 'model' },
    ...(withAccuracy ? [{ header: 'top-1 (printed)', align: 'right' as const }] : []),
    ...FIGURE_COLUMNS('mult-adds'),
    ...FIGURE_COLUMNS('params'),
  ];
  const rows = table.rows.map((r) => [r.label, ...(withAccuracy ? [r.imagenetTop1Printed ?? ''] : []), ...figureCells(r.multAdds), ...figureCells(r.params)]);
  return renderTable(columns, rows);
}

function renderLayerTypeTable(table: LayerTypeTable): string {
  const columns = [{ header: 'layer type' }, ...FIGURE_COLUMNS('mult-adds %'), ...FIGURE_COLUMNS('params %')];
  return renderTable(
    columns,
    table.rows.map((r) => [r.label, ...figureCells(r.multAddsShare), ...figureCells(r.paramsShare)]),
  );
}

function renderReport(report: PaperReport): string {
  const parts = [
    `${report.paper}`,
    `Printed figures from ${report.printedFiguresFrom}; recomputed from mobilenetV1() and graphCost().`,
    'Mult-adds count conv, depthwise and FC layers; params count their kernels (no biases, no batch norm), as the paper does.',
    'ImageNet top-1 is shown as printed: it is not measured here.',
  ];
  for (const table of report.tables) {
    const body = table.kind === 'layerTypes' ? renderLayerTypeTable(table) : renderModelTable(table);
    const notes = [
      ...table.rows.flatMap((r) => {
        const cells = 'multAddsShare' in r ? [r.multAddsShare, r.paramsShare] : [r.multAdds, r.params];
        return cells.filter((c) => c.note).map((c) => `* ${r.label}: ${c.note}`);
      }),
      ...table.notes,
    ];
    parts.push('', `Table ${table.table}: ${table.title}`, body, ...notes);
  }
  const rules = new Set(report.tables.flatMap((t) => t.rows.flatMap((r) => ('multAddsShare' in r ? [r.multAddsShare, r.paramsShare] : [r.multAdds, r.params]).map((c) => c.toleranceRule))));
  parts.push('', 'Tolerances:', ...[...rules].map((r) => `  ${r}`), '');
  parts.push(
    report.allWithinTolerance
      ? `All ${report.figures} recomputed figures are within tolerance.`
      : `${report.outsideTolerance.length} of ${report.figures} figures are outside tolerance: ${report.outsideTolerance.join('; ')}.`,
  );
  return `${parts.join('\n')}\n`;
}

export const paperCommand = defineCommand({
  name: 'paper',
  summary: "the paper's Tables 2-7 and 9 recomputed, next to the printed figures",
  description: [
    'Rebuilds every model of the paper\'s cost tables with mobilenetV1() (and Table 3\'s single layers with',
    'GraphBuilder), counts mult-adds and params with graphCost(), and shows them next to the figures',
    'printed in Howard et al. 2017 with the difference (absolute and %) and the tolerance each is held to.',
    '--json prints the same report with exact integers.',
  ].join('\n'),
  flags: {
    json: booleanFlag('print the report as JSON: { tables: [...], figures, outsideTolerance, allWithinTolerance }'),
  },
  examples: ['mobilenet-kit paper', 'mobilenet-kit paper --json'],
  run({ flags }, io) {
    const report = paperReport();
    io.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
    return EXIT_OK;
  },
});
