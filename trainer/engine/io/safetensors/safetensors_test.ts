import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeSafetensors, encodeSafetensors, type TensorMap } from "./safetensors.ts";

/** Bit patterns of a Float32Array, for bit-exact comparisons (-0 differs from 0 here). */
const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** Random finite floats over the whole range, with -0, subnormals, extremes and ordinary values. */
function awkwardFloats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer);
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  for (let i = 0; i < n; i++) {
    do bits[i] = next(); while (!Number.isFinite(out[i]));
  }
  const special = [-0, 0, 1e-45, -1e-45, 1.1754942e-38, 3.4028235e38, -3.4028235e38, 0.1, -2.5];
  out.set(special.slice(0, n));
  return out;
}

/** Builds safetensors bytes by hand from a header object and raw data bytes. */
function handMade(header: Record<string, unknown>, data: Uint8Array, pad = 0): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header) + " ".repeat(pad));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function throwsWith(fn: () => unknown, ...parts: string[]) {
  try {
    fn();
  } catch (error) {
    const message = (error as Error).message;
    for (const part of parts) assert.ok(message.includes(part), `"${message}" should mention "${part}"`);
    return;
  }
  assert.unreachable("expected an error");
}

test("encodeSafetensors() then decodeSafetensors() round-trips bit-exactly, -0 and subnormals included", () => {
  const tensors: TensorMap = new Map([
    ["transformer.wte.weight", { shape: [7, 5], data: awkwardFloats(35, 1) }],
    ["scalar", { shape: [], data: awkwardFloats(1, 2) }],
    ["empty", { shape: [0, 3], data: new Float32Array(0) }],
    ["odd", { shape: [3], data: awkwardFloats(3, 3) }],
  ]);
  tensors.get("odd")!.data.set([-0, 1e-45, -3e-39]);
  const bytes = encodeSafetensors(tensors, { format: "pt", note: "ünïcode" });
  const { tensors: back, metadata } = decodeSafetensors(bytes);
  assert.equal(metadata, { format: "pt", note: "ünïcode" });
  assert.equal([...back.keys()], [...tensors.keys()]);
  for (const [name, t] of tensors) {
    assert.equal(back.get(name)!.shape, t.shape, name);
    assert.equal(bitsOf(back.get(name)!.data), bitsOf(t.data), name);
  }
});

test("encodeSafetensors() pads the header with spaces to a multiple of 8 and writes F32 entries", () => {
  for (const name of ["a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh"]) {
    const bytes = encodeSafetensors(new Map([[name, { shape: [1], data: new Float32Array([1]) }]]));
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.is(n % 8, 0, name);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    assert.ok(/^\{.*\} *$/.test(text), text);
    assert.equal(JSON.parse(text), { [name]: { dtype: "F32", shape: [1], data_offsets: [0, 4] } });
    assert.is(bytes.length, 8 + n + 4);
  }
});

test("decodeSafetensors() reads a hand-made file with F16, BF16 and F32 at unaligned offsets", () => {
  // F16: 1, -2, 65504 (max), 2^-24 (smallest subnormal), -0; BF16: 1, -3.5; F32: 0.1 at byte 14.
  const data = new Uint8Array(18);
  const view = new DataView(data.buffer);
  [0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000].forEach((h, i) => view.setUint16(2 * i, h, true));
  view.setUint16(10, 0x3f80, true);
  view.setUint16(12, 0xc060, true);
  view.setFloat32(14, 0.1, true);
  const bytes = handMade({
    __metadata__: { format: "pt" },
    h: { dtype: "F16", shape: [5], data_offsets: [0, 10] },
    b: { dtype: "BF16", shape: [1, 2], data_offsets: [10, 14] },
    f: { dtype: "F32", shape: [], data_offsets: [14, 18] },
  }, data, 3);
  const { tensors, metadata } = decodeSafetensors(bytes);
  assert.equal(metadata, { format: "pt" });
  assert.equal(Array.from(tensors.get("h")!.data), [1, -2, 65504, 2 ** -24, -0]);
  assert.ok(Object.is(tensors.get("h")!.data[4], -0));
  assert.equal(tensors.get("b")!.shape, [1, 2]);
  assert.equal(Array.from(tensors.get("b")!.data), [1, -3.5]);
  assert.is(tensors.get("f")!.data[0], Math.fround(0.1));
});

test("decodeSafetensors() widens every F16 and BF16 bit pattern to the value the formats define", () => {
  const all = new Uint16Array(65536).map((_, i) => i);
  const data = new Uint8Array(all.buffer.slice(0));
  const bytes = handMade({
    h: { dtype: "F16", shape: [65536], data_offsets: [0, 131072] },
    b: { dtype: "BF16", shape: [65536], data_offsets: [131072, 262144] },
  }, new Uint8Array([...data, ...data]));
  const { tensors } = decodeSafetensors(bytes);
  const formula = (bits: number, expBits: number, mantBits: number) => {
    const sign = bits >> (expBits + mantBits) ? -1 : 1;
    const e = (bits >> mantBits) & ((1 << expBits) - 1);
    const m = bits & ((1 << mantBits) - 1);
    const bias = (1 << (expBits - 1)) - 1;
    if (e === (1 << expBits) - 1) return m ? NaN : sign * Infinity;
    if (e === 0) return sign * m * 2 ** (1 - bias - mantBits);
    return sign * (1 + m / 2 ** mantBits) * 2 ** (e - bias);
  };
  for (let i = 0; i < 65536; i++) {
    const h = tensors.get("h")!.data[i], b = tensors.get("b")!.data[i];
    assert.ok(Object.is(h, formula(i, 5, 10)), `F16 0x${i.toString(16)}: ${h}`);
    assert.ok(Object.is(b, formula(i, 8, 7)), `BF16 0x${i.toString(16)}: ${b}`);
  }
});

test("decodeSafetensors() reports truncated files with the sizes involved", () => {
  const bytes = encodeSafetensors(new Map([["w", { shape: [4], data: new Float32Array(4) }]]));
  throwsWith(() => decodeSafetensors(bytes.subarray(0, 5)), "truncated", "5 bytes");
  throwsWith(() => decodeSafetensors(bytes.subarray(0, 20)), "truncated", "header declares");
  throwsWith(() => decodeSafetensors(bytes.subarray(0, bytes.length - 1)), "truncated", `"w"`, "16");
});

test("decodeSafetensors() rejects bad offsets, shapes and dtypes, naming the value", () => {
  const four = new Uint8Array(8);
  throwsWith(() => decodeSafetensors(handMade({ w: { dtype: "F64", shape: [1], data_offsets: [0, 8] } }, four)), `"F64"`, "F32, F16, BF16");
  throwsWith(() => decodeSafetensors(handMade({ w: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, four)), "[0,8]", "12 bytes");
  throwsWith(() => decodeSafetensors(handMade({ w: { dtype: "F32", shape: [1], data_offsets: [4, 0] } }, four)), "[4,0]");
  throwsWith(() => decodeSafetensors(handMade({ w: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, four)), "[-1]");
  throwsWith(
    () =>
      decodeSafetensors(handMade({
        a: { dtype: "F32", shape: [1], data_offsets: [0, 4] },
        b: { dtype: "F32", shape: [1], data_offsets: [0, 4] },
      }, four)),
    "starts at byte 0",
    "contiguous",
  );
  throwsWith(() => decodeSafetensors(handMade({ w: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, four)), "4 bytes after");
  throwsWith(() => decodeSafetensors(handMade({ w: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, four)), "starts at byte 4");
  const notJson = new Uint8Array([3, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7b, 0x7d]);
  throwsWith(() => decodeSafetensors(notJson), "not valid JSON");
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, 2n ** 40n, true);
  throwsWith(() => decodeSafetensors(huge), String(2n ** 40n));
});

test("encodeSafetensors() refuses data that does not match the shape, and non-string metadata", () => {
  throwsWith(() => encodeSafetensors(new Map([["w", { shape: [2, 2], data: new Float32Array(3) }]])), `"w"`, "[2,2]", "got 3");
  throwsWith(() => encodeSafetensors(new Map([["w", { shape: [1.5], data: new Float32Array(1) }]])), "[1.5]");
  throwsWith(() => encodeSafetensors(new Map(), { n: 3 as unknown as string }), `"n"`, "3");
  throwsWith(() => encodeSafetensors(new Map([["__metadata__", { shape: [0], data: new Float32Array(0) }]])), "reserved");
});

test.run();
