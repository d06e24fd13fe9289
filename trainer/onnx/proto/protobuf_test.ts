import { test } from "uvu";
import * as assert from "uvu/assert";
import { protoWriter, pushVarint } from "./protobuf.ts";
import { encodeOnnxModel } from "./onnx_proto.ts";

/** A minimal wire-format reader for the checks: fields of one message as [field, wireType, value]. */
function readFields(bytes: Uint8Array): [number, number, bigint | Uint8Array][] {
  const out: [number, number, bigint | Uint8Array][] = [];
  let at = 0;
  const varint = () => {
    let value = 0n, shift = 0n;
    for (;;) {
      const b = bytes[at++];
      value |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (b < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const key = Number(varint());
    const [field, wire] = [key >> 3, key & 7];
    if (wire === 0) out.push([field, wire, varint()]);
    else if (wire === 2) {
      const n = Number(varint());
      out.push([field, wire, bytes.subarray(at, at + n)]);
      at += n;
    } else if (wire === 5) {
      out.push([field, wire, bytes.subarray(at, at + 4)]);
      at += 4;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return out;
}
const text = (value: bigint | Uint8Array) => new TextDecoder().decode(value as Uint8Array);
const field = (bytes: Uint8Array, n: number) => readFields(bytes).filter(([f]) => f === n).map(([, , v]) => v);

test("pushVarint() writes protobuf varints, negative numbers as 10-byte two's complement", () => {
  const bytes = (n: number) => {
    const out: number[] = [];
    pushVarint(out, n);
    return out;
  };
  assert.equal(bytes(0), [0]);
  assert.equal(bytes(150), [0x96, 0x01]);
  assert.equal(bytes(2 ** 35), [0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
  assert.equal(bytes(-1), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  assert.throws(() => bytes(0.5), /not a safe integer/);
});

test("protoWriter() writes keys, strings, floats, packed ints and nested messages with their lengths", () => {
  const child = protoWriter().string(1, "hé").int(2, 3);
  const bytes = protoWriter().int(1, 150).message(3, child).float(4, 1.5).packedInts(5, [1, 300]).finish();
  assert.equal(Array.from(bytes.subarray(0, 3)), [0x08, 0x96, 0x01]);
  const fields = readFields(bytes);
  assert.equal(fields.map(([f, w]) => [f, w]), [[1, 0], [3, 2], [4, 5], [5, 2]]);
  const nested = readFields(fields[1][2] as Uint8Array);
  assert.is(text(nested[0][2]), "hé");
  assert.is(nested[1][2], 3n);
  assert.is(new DataView((fields[2][2] as Uint8Array).slice().buffer).getFloat32(0, true), 1.5);
  assert.equal(Array.from(fields[3][2] as Uint8Array), [0x01, 0xac, 0x02]);
});

test("protoWriter() keeps a big payload as one chunk and copies it once into the message", () => {
  const payload = new Uint8Array(100_000).fill(7);
  const w = protoWriter().bytes(9, payload);
  assert.ok(w.chunks().includes(payload));
  const bytes = w.finish();
  assert.is(bytes.length, w.length);
  assert.is(bytes.length, 1 + 3 + payload.length);
  assert.equal(field(bytes, 9)[0], payload);
});

test("encodeOnnxModel() writes ModelProto fields: IR version, opset, graph with nodes, typed initializers and inputs", () => {
  const bytes = encodeOnnxModel({
    opset: 17,
    producerName: "toolrl",
    graph: {
      name: "g",
      nodes: [{ opType: "Softmax", inputs: ["x"], outputs: ["y"], attributes: { axis: { int: -1 } } }],
      initializers: [{ name: "w", type: "int64", dims: [2], data: BigInt64Array.of(5n, -6n) }],
      inputs: [{ name: "x", type: "float32", shape: ["batch", 4] }],
      outputs: [{ name: "y", type: "float32", shape: ["batch", 4] }],
    },
  });
  assert.equal(field(bytes, 1), [8n]);
  assert.is(text(field(bytes, 2)[0]), "toolrl");
  const opset = field(bytes, 8)[0] as Uint8Array;
  assert.equal(field(opset, 2), [17n]);
  const graph = field(bytes, 7)[0] as Uint8Array;
  assert.is(text(field(graph, 2)[0]), "g");
  const node = field(graph, 1)[0] as Uint8Array;
  assert.is(text(field(node, 4)[0]), "Softmax");
  const attribute = field(node, 5)[0] as Uint8Array;
  assert.equal([text(field(attribute, 1)[0]), field(attribute, 20)[0], BigInt.asIntN(64, field(attribute, 3)[0] as bigint)], ["axis", 2n, -1n]);
  const tensor = field(graph, 5)[0] as Uint8Array;
  assert.equal(field(tensor, 2), [7n]);
  assert.equal(Array.from(new BigInt64Array((field(tensor, 9)[0] as Uint8Array).slice().buffer)), [5n, -6n]);
  const input = field(graph, 11)[0] as Uint8Array;
  const shape = field(field(field(input, 2)[0] as Uint8Array, 1)[0] as Uint8Array, 2)[0] as Uint8Array;
  const dims = field(shape, 1) as Uint8Array[];
  assert.equal([text(field(dims[0], 2)[0]), field(dims[1], 1)[0]], ["batch", 4n]);
});

test("encodeOnnxModel() refuses a tensor whose data does not fill its dims", () => {
  const graph = {
    name: "g",
    nodes: [],
    initializers: [{ name: "w", type: "float32" as const, dims: [2, 2], data: new Float32Array(3) }],
    inputs: [],
    outputs: [],
  };
  assert.throws(() => encodeOnnxModel({ opset: 17, producerName: "t", graph }), /dims \[2,2\] \(4 values\) but 3 values/);
});

test.run();
