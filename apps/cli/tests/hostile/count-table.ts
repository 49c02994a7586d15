import type { HostileCase } from './cases';

/** The cases by command (rows) and category (columns), as a Markdown table with totals. */
export function countTable(cases: readonly Pick<HostileCase, 'command' | 'category'>[]): string {
  const commands = [...new Set(cases.map((c) => c.command))];
  const categories = [...new Set(cases.map((c) => c.category))];
  const count = (command?: string, category?: string) => cases.filter((c) => (!command || c.command === command) && (!category || c.category === category)).length;
  const rows = [
    `| command | ${categories.join(' | ')} | total |`,
    `|---|${categories.map(() => '---:').join('|')}|---:|`,
    ...commands.map((m) => `| ${m} | ${categories.map((k) => count(m, k) || '').join(' | ')} | ${count(m)} |`),
    `| **all** | ${categories.map((k) => count(undefined, k)).join(' | ')} | **${cases.length}** |`,
  ];
  return rows.join('\n');
}
