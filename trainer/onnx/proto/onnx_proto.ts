/**
 * ONNX's protobuf messages as plain objects, and their encoding (`ModelProto` bytes, the content of a
 * `.onnx` file). Field numbers follow `onnx/onnx.proto3`; tensors are written as `raw_data`
 * (little-endian), which every runtime reads.
 */
import { littleEndian, protoWriter, type ProtoWriter } from "./protobuf.ts";

/** Element types used here, with their `TensorProto.DataType` numbers. */
export const DATA_TYPES = { float32: 1, int32: 6, int64: 7, bool: 9 } as const;
export type DataTypeName = keyof typeof DATA_TYPES;

/** A constant tensor (an initializer or a `value` attribute). */
export interface OnnxTensor {
  name: string;
  type: DataTypeName;
  dims: number[];
  /** float32: Float32Array; int64: BigInt64Array; int32: Int32Array; bool: Uint8Array (0/1). */
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
}

/** A node attribute, tagged by kind. */
export type OnnxAttribute =
  | { int: number }
  | { float: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { string: string }
  | { tensor: OnnxTensor };

/** One operator application. */
export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attributes?: Record<string, OnnxAttribute>;
  domain?: string;
}

/** A graph input or output: name, element type and shape (numbers or symbolic dimension names). */
export interface OnnxValueInfo {
  name: string;
  type: DataTypeName;
  shape: (number | string)[];
}

/** A graph: nodes in topological order, constant initializers, inputs and outputs. */
export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  docString?: string;
}

/** A model: a graph, the opset it uses, and who made it. */
export interface OnnxModel {
  graph: OnnxGraph;
  /** Version of the default ("ai.onnx") operator set. */
  opset: number;
  /** IR version (8 goes with opsets 14 to 18). */
  irVersion?: number;
  producerName: string;
  producerVersion?: string;
  docString?: string;
  metadata?: Record<string, string>;
}

const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

function tensorProto(tensor: OnnxTensor): ProtoWriter {
  const count = tensor.dims.reduce((a, b) => a * b, 1);
  if (tensor.data.length !== count) {
    throw new Error(`ONNX tensor "${tensor.name}" has dims [${tensor.dims}] (${count} values) but ${tensor.data.length} values`);
  }
  const size = tensor.data.BYTES_PER_ELEMENT;
  const raw = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  return protoWriter()
    .packedInts(1, tensor.dims)
    .int(2, DATA_TYPES[tensor.type])
    .string(8, tensor.name)
    .bytes(9, littleEndian(raw, size));
}

function attributeProto(name: string, attribute: OnnxAttribute): ProtoWriter {
  const w = protoWriter().string(1, name);
  if ("int" in attribute) return w.int(20, ATTRIBUTE_TYPE.int).int(3, attribute.int);
  if ("float" in attribute) return w.int(20, ATTRIBUTE_TYPE.float).float(2, attribute.float);
  if ("string" in attribute) return w.int(20, ATTRIBUTE_TYPE.string).string(4, attribute.string);
  if ("tensor" in attribute) return w.int(20, ATTRIBUTE_TYPE.tensor).message(5, tensorProto(attribute.tensor));
  if ("ints" in attribute) return w.int(20, ATTRIBUTE_TYPE.ints).packedInts(8, attribute.ints);
  return w.int(20, ATTRIBUTE_TYPE.floats).packedFloats(7, attribute.floats);
}

function nodeProto(node: OnnxNode): ProtoWriter {
  const w = protoWriter();
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  if (node.name) w.string(3, node.name);
  w.string(4, node.opType);
  for (const [name, attribute] of Object.entries(node.attributes ?? {})) w.message(5, attributeProto(name, attribute));
  if (node.domain) w.string(7, node.domain);
  return w;
}

function valueInfoProto(info: OnnxValueInfo): ProtoWriter {
  const shape = protoWriter();
  for (const dim of info.shape) {
    shape.message(1, typeof dim === "number" ? protoWriter().int(1, dim) : protoWriter().string(2, dim));
  }
  const tensorType = protoWriter().int(1, DATA_TYPES[info.type]).message(2, shape);
  return protoWriter().string(1, info.name).message(2, protoWriter().message(1, tensorType));
}

function graphProto(graph: OnnxGraph): ProtoWriter {
  const w = protoWriter();
  for (const node of graph.nodes) w.message(1, nodeProto(node));
  w.string(2, graph.name);
  for (const tensor of graph.initializers) w.message(5, tensorProto(tensor));
  if (graph.docString) w.string(10, graph.docString);
  for (const input of graph.inputs) w.message(11, valueInfoProto(input));
  for (const output of graph.outputs) w.message(12, valueInfoProto(output));
  return w;
}

/**
 * The bytes of an `.onnx` file for `model`.
 *
 * @example
 * ```ts
 * const bytes = encodeOnnxModel({ graph, opset: 17, producerName: "toolrl" });
 * ```
 */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = protoWriter().int(1, model.irVersion ?? 8).string(2, model.producerName);
  if (model.producerVersion) w.string(3, model.producerVersion);
  if (model.docString) w.string(6, model.docString);
  w.message(7, graphProto(model.graph));
  w.message(8, protoWriter().string(1, "").int(2, model.opset));
  for (const [key, value] of Object.entries(model.metadata ?? {})) {
    w.message(14, protoWriter().string(1, key).string(2, value));
  }
  return w.finish();
}
