/** One fenced code block of a README that is meant to be run. */
export interface ReadmeExample {
  /** 1-based position among the runnable blocks of the README, in document order. */
  readonly index: number;
  /** 1-based line of the opening fence in the README, for error messages. */
  readonly line: number;
  readonly lang: 'ts' | 'js';
  /** The block's source as written in the README. */
  readonly code: string;
  /** Strings that stdout must contain, from `// prints: <text>` comments in the block. */
  readonly expectedOutput: readonly string[];
}

const TS_LANGS = new Set(['ts', 'typescript', 'mts']);
const JS_LANGS = new Set(['js', 'javascript', 'mjs']);
/** An info-string word that keeps a ts/js block out of the run (e.g. a browser-only snippet). */
export const NO_RUN_FLAG = 'no-run';

// CommonMark fences: up to 3 spaces of indent, then 3+ backticks or tildes.
const OPEN_FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)(.*)$/;
const PRINTS_COMMENT = /\/\/\s*prints:\s*(.*?)\s*$/;

/**
 * Finds the runnable ```ts / ```js blocks of a markdown document. A block
 * whose info string contains `no-run` (```ts no-run) is shown to readers but
 * not run. `// prints: <text>` comments declare output that the run must show.
 */
export function extractReadmeExamples(markdown: string): ReadmeExample[] {
  const lines = markdown.split(/\r?\n/);
  const examples: ReadmeExample[] = [];
  let i = 0;
  while (i < lines.length) {
    const open = OPEN_FENCE.exec(lines[i] ?? '');
    if (!open) {
      i += 1;
      continue;
    }
    const [, indent = '', fence = '', langWord = '', rest = ''] = open;
    const openLine = i + 1;
    const body: string[] = [];
    i += 1;
    // The block ends at a fence of the same character, at least as long, with nothing after it.
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    while (i < lines.length && !close.test(lines[i] ?? '')) {
      const line = lines[i] ?? '';
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
      i += 1;
    }
    i += 1; // past the closing fence (or the end of the document)
    const lang = langWord.toLowerCase();
    const kind = TS_LANGS.has(lang) ? 'ts' : JS_LANGS.has(lang) ? 'js' : undefined;
    if (!kind || rest.split(/\s+/).includes(NO_RUN_FLAG)) continue;
    const code = body.join('\n');
    const expectedOutput = body.map((l) => PRINTS_COMMENT.exec(l)?.[1]).filter((s): s is string => s !== undefined && s.length > 0);
    examples.push({ index: examples.length + 1, line: openLine, lang: kind, code, expectedOutput });
  }
  return examples;
}
