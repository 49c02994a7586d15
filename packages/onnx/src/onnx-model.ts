import { DATA_TYPE, modelProtoType } from './onnx-schema';

/**
 * Plain-object forms of the ONNX messages we write. Field names are those of
 * onnx.proto (snake_case), so that each object maps onto the schema one to one.
 */
export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  ints?: number[];
}

export interface NodeProto {
  input: string[];
  output: string[];
  name: string;
  op_type: string;
  attribute: AttributeProto[];
}

export interface TensorProto {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

/** A dimension is a size or a symbolic name (`dim_param`, e.g. the batch). */
export type DimensionProto = { dim_value: number } | { dim_param: string };

export interface ValueInfoProto {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: DimensionProto[] } } };
}

export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  doc_string?: string;
}

export interface ModelProto {
  ir_version: number;
  opset_import: { domain: string; version: number }[];
  producer_name: string;
  producer_version: string;
  doc_string?: string;
  graph: GraphProto;
}

/** Serializes a model with protobufjs against the schema in onnx-schema.ts. */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = modelProtoType();
  const problem = type.verify(model);
  if (problem) throw new Error(`ONNX model does not match onnx.proto: ${problem}`);
  return type.encode(type.fromObject(model)).finish();
}

/**
 * Reads an ONNX model (the subset of fields in onnx-schema.ts) into plain
 * objects: int64 values as numbers, bytes as Uint8Array. For inspection and tests.
 */
export function decodeOnnx(bytes: Uint8Array): ModelProto {
  const type = modelProtoType();
  let message: ReturnType<typeof type.decode>;
  try {
    message = type.decode(bytes);
  } catch (e) {
    throw new Error(`not an ONNX model: ${(e as Error).message}`, { cause: e });
  }
  return type.toObject(message, { longs: Number, arrays: true, defaults: false }) as ModelProto;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** float32 values as TensorProto raw_data (little-endian IEEE 754, as onnx.proto requires). */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array): TensorProto {
  let raw: Uint8Array;
  if (littleEndian) raw = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  else {
    raw = new Uint8Array(data.length * 4);
    const view = new DataView(raw.buffer);
    data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  }
  return { name, dims: [...dims], data_type: DATA_TYPE.FLOAT, raw_data: raw };
}

/** int64 values as TensorProto raw_data (little-endian). */
export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): TensorProto {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dims: [...dims], data_type: DATA_TYPE.INT64, raw_data: raw };
}

/** Reads a float32 TensorProto's raw_data back (tests, inspection). */
export function readFloatTensor(tensor: Pick<TensorProto, 'raw_data'>): Float32Array {
  const raw = tensor.raw_data;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(raw.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
