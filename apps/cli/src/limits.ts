// The global limit flags of mobilenet-kit (--max-pixels, --max-json-bytes, --max-json-depth, --max-weight-bytes), taken out of
// the arguments by main before the command is found.

/**
 * The global limit flags: each sets, for the command it runs, the environment variable that the
 * libraries read as the limit's default (image's maxPixels, core's JSON size and depth limits and
 * its weight bytes limit).
 */
export const LIMIT_FLAGS = {
  'max-pixels': { env: 'MOBILENET_KIT_MAX_PIXELS', what: 'largest image decoded, in pixels (width × height)', default: '50000000' },
  'max-json-bytes': { env: 'MOBILENET_KIT_MAX_JSON_BYTES', what: 'largest JSON document read (model.json, manifests, galleries, datasets, metadata), in bytes', default: '67108864 (64 MiB)' },
  'max-json-depth': { env: 'MOBILENET_KIT_MAX_JSON_DEPTH', what: 'deepest nesting of objects and arrays in a JSON document read', default: '256' },
  'max-weight-bytes': { env: 'MOBILENET_KIT_MAX_WEIGHT_BYTES', what: "largest weights of a model folder (its shards, and decoded), in bytes", default: '2147483648 (2 GiB)' },
} as const;
export type LimitFlag = keyof typeof LIMIT_FLAGS;

/** Takes the limit flags (`--max-pixels N` or `--max-pixels=N`, anywhere before a `--`) out of the arguments. */
export function limitFlags(argv: readonly string[]): { args: string[]; limits: Partial<Record<LimitFlag, number>>; error?: string } {
  const end = argv.indexOf('--');
  const head = end === -1 ? [...argv] : argv.slice(0, end);
  const tail = end === -1 ? [] : argv.slice(end);
  const args: string[] = [];
  const limits: Partial<Record<LimitFlag, number>> = {};
  for (let i = 0; i < head.length; i++) {
    const [flag, inline] = head[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const name = flag.slice(2) as LimitFlag;
    if (!flag.startsWith('--') || !(name in LIMIT_FLAGS)) {
      args.push(head[i]!);
      continue;
    }
    const raw = inline ?? head[++i];
    const value = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < 1) return { args, limits, error: `${flag} ${raw === undefined ? 'needs a value' : `${JSON.stringify(raw)} is not allowed`}; ${flag} takes an integer ≥ 1 (the ${LIMIT_FLAGS[name].what}; default ${LIMIT_FLAGS[name].default})` };
    limits[name] = value;
  }
  return { args: [...args, ...tail], limits };
}

/** Sets the limits' environment variables, and returns what puts them back. */
export function applyLimits(limits: Partial<Record<LimitFlag, number>>): () => void {
  const saved = Object.entries(limits).map(([name, value]) => {
    const env = LIMIT_FLAGS[name as LimitFlag].env;
    const before = process.env[env];
    process.env[env] = String(value);
    return () => {
      if (before === undefined) delete process.env[env];
      else process.env[env] = before;
    };
  });
  return () => {
    for (const restore of saved) restore();
  };
}

