/**
 * A protocol-buffers wire-format writer: just what ONNX's messages need (varints, 32-bit floats,
 * length-delimited strings, bytes and nested messages, packed repeated numbers).
 * Big byte payloads (tensor data) are kept as chunks and copied once, in `finish()`.
 *
 * Wire types: 0 varint, 2 length-delimited, 5 fixed 32-bit. A field key is `(field << 3) | wireType`.
 */

/** Writes one message; nested messages are other writers passed to `message`. */
export interface ProtoWriter {
  /** Bytes written so far. */
  readonly length: number;
  /** An int32/int64/enum/bool field as a varint (negative numbers take 10 bytes, as in int64). */
  int(field: number, value: number): ProtoWriter;
  /** A `float` field (fixed 32-bit, little-endian). */
  float(field: number, value: number): ProtoWriter;
  /** A `string` field, UTF-8. */
  string(field: number, value: string): ProtoWriter;
  /** A `bytes` field. */
  bytes(field: number, value: Uint8Array): ProtoWriter;
  /** A nested message field. */
  message(field: number, child: ProtoWriter): ProtoWriter;
  /** A packed `repeated int64` field. */
  packedInts(field: number, values: readonly number[]): ProtoWriter;
  /** A packed `repeated float` field. */
  packedFloats(field: number, values: readonly number[]): ProtoWriter;
  /** The message's bytes. */
  finish(): Uint8Array;
  /** The chunks, for a parent writer (no copy). */
  chunks(): Uint8Array[];
}

const WIRE_VARINT = 0;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;
const utf8 = new TextEncoder();

/** Appends the varint of `value` (an integer; negative values as 64-bit two's complement) to `out`. */
export function pushVarint(out: number[], value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf: ${value} is not a safe integer`);
  if (value < 0) {
    let big = BigInt.asUintN(64, BigInt(value));
    while (big >= 0x80n) {
      out.push(Number(big & 0x7fn) | 0x80);
      big >>= 7n;
    }
    out.push(Number(big));
    return;
  }
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
}

/**
 * A fresh writer.
 *
 * @example
 * ```ts
 * const bytes = protoWriter().int(1, 150).finish(); // Uint8Array [0x08, 0x96, 0x01]
 * ```
 */
export function protoWriter(): ProtoWriter {
  const parts: Uint8Array[] = [];
  let pending: number[] = []; // small fields, turned into a chunk before the next big one
  let flushed = 0; // bytes in `parts`
  const flush = () => {
    if (pending.length === 0) return;
    parts.push(Uint8Array.from(pending));
    flushed += pending.length;
    pending = [];
  };
  const append = (bytes: Uint8Array) => {
    flush();
    parts.push(bytes);
    flushed += bytes.length;
  };
  const key = (field: number, wire: number) => pushVarint(pending, field * 8 + wire);
  const lengthKey = (field: number, byteLength: number) => {
    key(field, WIRE_LENGTH);
    pushVarint(pending, byteLength);
  };

  const writer: ProtoWriter = {
    get length() {
      return flushed + pending.length;
    },
    int(field, value) {
      key(field, WIRE_VARINT);
      pushVarint(pending, value);
      return writer;
    },
    float(field, value) {
      key(field, WIRE_FIXED32);
      pending.push(...littleEndian(new Uint8Array(new Float32Array([value]).buffer), 4));
      return writer;
    },
    string: (field, value) => writer.bytes(field, utf8.encode(value)),
    bytes(field, value) {
      lengthKey(field, value.length);
      append(value);
      return writer;
    },
    message(field, child) {
      lengthKey(field, child.length);
      for (const chunk of child.chunks()) append(chunk);
      return writer;
    },
    packedInts(field, values) {
      const body: number[] = [];
      for (const v of values) pushVarint(body, v);
      lengthKey(field, body.length);
      for (const b of body) pending.push(b);
      return writer;
    },
    packedFloats(field, values) {
      const bytes = littleEndian(new Uint8Array(new Float32Array(values).buffer), 4);
      lengthKey(field, bytes.length);
      append(bytes);
      return writer;
    },
    chunks() {
      flush();
      return parts;
    },
    finish() {
      flush();
      const out = new Uint8Array(flushed);
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.length;
      }
      return out;
    },
  };
  return writer;
}

const bigEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;

/** The bytes of little-endian words of `size` bytes (a copy swapped on big-endian hosts). */
export function littleEndian(bytes: Uint8Array, size: number): Uint8Array {
  if (!bigEndianHost) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) {
    for (let j = 0; j < size; j++) out[i + j] = bytes[i + size - 1 - j];
  }
  return out;
}
