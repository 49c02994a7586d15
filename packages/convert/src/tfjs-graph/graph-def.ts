import { ModelFormatError } from '@mobilenet-kit/core';

/**
 * A tfjs graph model's GraphDef as tensorflowjs_converter writes it in
 * model.json (`modelTopology.node`): TensorFlow's NodeDef in protobuf's JSON
 * mapping, so int64 values are strings, bytes (`s`) are base64 and shapes are
 * `{ dim: [{ size: "224" }] }`. This file reads those attribute encodings the
 * way tfjs-converter's operation_mapper does.
 */
export interface TfNode {
  readonly name: string;
  readonly op: string;
  /** Data inputs (`name` or `name:k`); control inputs (`^name`) are left out. */
  readonly inputs: readonly string[];
  readonly attr: Readonly<Record<string, AttrValue>>;
}

export interface AttrValue {
  readonly i?: string | number;
  readonly f?: number;
  readonly b?: boolean;
  readonly s?: string;
  readonly type?: string;
  readonly shape?: TensorShape;
  readonly tensor?: { readonly dtype?: string; readonly tensorShape?: TensorShape };
  readonly list?: { readonly i?: readonly (string | number)[]; readonly f?: readonly number[]; readonly s?: readonly string[] };
}

interface TensorShape {
  readonly dim?: readonly { readonly size?: string | number }[];
  readonly unknownRank?: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The nodes of `modelTopology`, each checked to have a name, an op and well-formed inputs. */
export function readGraphDef(topology: unknown, file: string): TfNode[] {
  if (!isRecord(topology) || !Array.isArray(topology.node)) throw new ModelFormatError('"modelTopology" has no "node" list: not a tfjs graph model (a GraphDef as JSON)', { file });
  const seen = new Set<string>();
  return topology.node.map((raw, k) => {
    if (!isRecord(raw) || typeof raw.name !== 'string' || raw.name === '' || typeof raw.op !== 'string') {
      throw new ModelFormatError(`modelTopology.node[${k}] needs a "name" and an "op", got ${JSON.stringify(raw)?.slice(0, 80)}`, { file });
    }
    if (seen.has(raw.name)) throw new ModelFormatError(`node "${raw.name}" appears twice in modelTopology.node`, { file });
    seen.add(raw.name);
    const input = raw.input ?? [];
    if (!Array.isArray(input) || input.some((i) => typeof i !== 'string')) throw new ModelFormatError(`node "${raw.name}" (${raw.op}): "input" must be a list of names`, { file });
    const attr = raw.attr ?? {};
    if (!isRecord(attr)) throw new ModelFormatError(`node "${raw.name}" (${raw.op}): "attr" must be an object`, { file });
    return { name: raw.name, op: raw.op, inputs: (input as string[]).filter((i) => !i.startsWith('^')), attr: attr as Record<string, AttrValue> };
  });
}

/** `name:0` and `name` are the same tensor; `name:1` is a second output (of FusedBatchNorm, say). */
export function splitTensorName(input: string): { node: string; index: number } {
  const m = /^(.*):(\d+)$/.exec(input);
  return m ? { node: m[1]!, index: Number(m[2]) } : { node: input, index: 0 };
}

const decodeBase64 = (s: string) => new TextDecoder().decode(Uint8Array.from(atob(s), (c) => c.charCodeAt(0)));

export const attrInt = (n: TfNode, name: string): number | undefined => (n.attr[name]?.i !== undefined ? Number(n.attr[name]!.i) : undefined);
export const attrFloat = (n: TfNode, name: string): number | undefined => n.attr[name]?.f ?? (n.attr[name]?.i !== undefined ? Number(n.attr[name]!.i) : undefined);
export const attrBool = (n: TfNode, name: string): boolean | undefined => n.attr[name]?.b;
export const attrString = (n: TfNode, name: string): string | undefined => (n.attr[name]?.s !== undefined ? decodeBase64(n.attr[name]!.s!) : undefined);
export const attrInts = (n: TfNode, name: string): number[] | undefined => n.attr[name]?.list?.i?.map(Number) ?? (n.attr[name]?.list ? [] : undefined);
export const attrStrings = (n: TfNode, name: string): string[] | undefined => n.attr[name]?.list?.s?.map(decodeBase64) ?? (n.attr[name]?.list ? [] : undefined);
export const attrType = (n: TfNode, name: string): string | undefined => n.attr[name]?.type;

/** A shape attribute (`-1` for an unknown dimension), undefined for an unknown rank or no attribute. */
export function attrShape(n: TfNode, name: string): number[] | undefined {
  const shape = n.attr[name]?.shape;
  if (!shape || shape.unknownRank) return undefined;
  return (shape.dim ?? []).map((d) => Number(d.size ?? -1));
}

/** The shape a Const node declares for its value (`attr.value.tensor.tensorShape`), when it declares one. */
export function constShape(n: TfNode): number[] | undefined {
  const shape = n.attr.value?.tensor?.tensorShape;
  return shape && !shape.unknownRank ? (shape.dim ?? []).map((d) => Number(d.size ?? -1)) : undefined;
}
