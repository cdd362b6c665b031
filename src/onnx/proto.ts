/**
 * The one place that reads and writes ONNX protobuf: ModelProto bytes <-> objects, through the
 * `onnx-proto` package (protobufjs code generated from ONNX's own `onnx.proto`), plus small
 * builders for the messages an exporter writes (nodes, attributes, float/int64 initializers).
 *
 * Field names are protobufjs's camelCase of ONNX's (`opsetImport`, `rawData`, `dataType`...).
 * Reference: https://github.com/onnx/onnx/blob/main/onnx/onnx.proto and docs/IR.md.
 */
import { onnx } from 'onnx-proto';

export { onnx };

/** ONNX IR version written (IR v8 = ONNX 1.10+, the newest `onnx-proto`'s schema knows). */
export const IR_VERSION = 8;
/** Default-domain opset written by the exporter (opset 17 = ONNX 1.12, LayerNormalization etc.). */
export const OPSET_VERSION = 17;

/** Element types used here (`TensorProto.DataType`). */
export const DataType = onnx.TensorProto.DataType;

/** An attribute value: numbers and number lists become INT(S) when `ints` is set, else FLOAT(S). */
export type AttributeValue = number | string | number[] | { ints: number[] } | { int: number } | { float: number } | { floats: number[] };

/**
 * Builds an `AttributeProto`. Plain numbers are written as INT when integral and FLOAT otherwise;
 * pass `{ float: 1 }` / `{ int: 0 }` when the ONNX operator's attribute type says otherwise
 * (an attribute of the wrong type is rejected by ONNX Runtime's checker).
 */
export function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') return Number.isInteger(value) ? { name, type: T.INT, i: value } : { name, type: T.FLOAT, f: value };
  if (Array.isArray(value)) return value.every(Number.isInteger) ? { name, type: T.INTS, ints: value } : { name, type: T.FLOATS, floats: value };
  if ('ints' in value) return { name, type: T.INTS, ints: value.ints };
  if ('int' in value) return { name, type: T.INT, i: value.int };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.FLOATS, floats: value.floats };
}

/** Builds a `NodeProto` (`opType` in the default ONNX domain unless `domain` is given). */
export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  name: string,
  attributes: Record<string, AttributeValue | undefined> = {},
  docString?: string,
): onnx.INodeProto {
  return {
    opType,
    input: inputs,
    output: outputs,
    name,
    attribute: Object.entries(attributes)
      .filter((e): e is [string, AttributeValue] => e[1] !== undefined)
      .map(([k, v]) => attribute(k, v)),
    ...(docString ? { docString } : {}),
  };
}

/**
 * A float32 initializer of shape `dims` (row-major), stored as little-endian `raw_data`. The
 * values are not copied (`raw_data` is a view of them, read when the model is encoded): a large
 * model's export then holds its weights once less.
 */
export function floatTensor(name: string, dims: number[], values: Float32Array): onnx.ITensorProto {
  const size = dims.reduce((a, d) => a * d, 1);
  if (size !== values.length) throw new RangeError(`tensor ${name}: ${values.length} values for shape [${dims.join(', ')}] (${size})`);
  // raw_data is little-endian (IR.md); every platform Node runs on is.
  const rawData = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return { name, dims, dataType: DataType.FLOAT, rawData };
}

/** An int64 initializer (shapes, pads, axes), stored in `int64_data`. */
export function int64Tensor(name: string, values: number[]): onnx.ITensorProto {
  return { name, dims: [values.length], dataType: DataType.INT64, int64Data: values };
}

/** A graph input or output: a float32 tensor of `shape` (a string is a symbolic dimension, e.g. `N`). */
export function valueInfo(name: string, shape: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: { dim: shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/**
 * Serialises a model. `onnx-proto`'s `verify` is run first so that a malformed message fails here
 * with protobufjs's field path instead of as a corrupt file.
 * @throws Error naming the invalid field.
 */
export function encodeModel(model: onnx.IModelProto): Uint8Array {
  const problem = onnx.ModelProto.verify(model);
  if (problem) throw new Error(`invalid ONNX model: ${problem}`);
  return onnx.ModelProto.encode(model).finish();
}

/**
 * Parses ONNX model bytes (a `.onnx` file).
 * @throws Error saying the bytes are not an ONNX ModelProto (protobufjs's decode error kept).
 */
export function decodeModel(bytes: Uint8Array): onnx.ModelProto {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new Error(`not an ONNX model (protobuf decode failed: ${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
}

/** An int64 protobuf field as a JS number (protobufjs gives `Long` objects for large values). */
export function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v == null) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** Shape of a value info (`null` for a symbolic or unknown dimension). */
export function valueInfoShape(info: onnx.IValueInfoProto): (number | null)[] {
  return (info.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam || d.dimValue == null ? null : toNumber(d.dimValue)));
}

/**
 * Values of a float32 tensor (initializer), from `raw_data` or `float_data`.
 * @throws Error for other element types or external data.
 */
export function readFloatTensor(tensor: onnx.ITensorProto): Float32Array {
  if (tensor.dataType !== DataType.FLOAT) throw new Error(`tensor ${tensor.name}: element type ${tensor.dataType} is not float32`);
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) throw new Error(`tensor ${tensor.name}: external data is not supported`);
  if (tensor.rawData && tensor.rawData.length) {
    const raw = tensor.rawData;
    return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  }
  return Float32Array.from(tensor.floatData ?? []);
}

/** The value of a node's attribute `name` as ONNX stores it (INT, FLOAT, INTS, FLOATS, STRING), or undefined. */
export function attributeValue(n: onnx.INodeProto, name: string): number | number[] | string | undefined {
  const a = n.attribute?.find((x) => x.name === name);
  if (!a) return undefined;
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.INT:
      return toNumber(a.i);
    case T.FLOAT:
      return a.f ?? 0;
    case T.INTS:
      return (a.ints ?? []).map(toNumber);
    case T.FLOATS:
      return [...(a.floats ?? [])];
    case T.STRING:
      return new TextDecoder().decode(a.s ?? new Uint8Array());
    default:
      return undefined;
  }
}
