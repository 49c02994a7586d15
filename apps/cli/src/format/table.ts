export interface Column {
  readonly header: string;
  /** Numbers read best right-aligned; text left-aligned (the default). */
  readonly align?: 'left' | 'right';
}

/**
 * Renders rows as a plain-text table: a header, a dashed rule and one line
 * per row, columns two spaces apart, no trailing spaces. A row of one
 * `null` is drawn as a rule (to set totals apart).
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[] | null)[]): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r ? (r[i] ?? '').length : 0))));
  const line = (cells: readonly string[]) =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        return c.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(columns.map((c) => c.header)), rule, ...rows.map((r) => (r ? line(r) : rule))].join('\n');
}
