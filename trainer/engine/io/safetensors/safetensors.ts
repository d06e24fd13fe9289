/**
 * The safetensors format (https://github.com/huggingface/safetensors), web standards only:
 * an 8-byte little-endian header length N, N bytes of JSON (`{name: {dtype, shape, data_offsets}}`
 * plus an optional `__metadata__` of strings, padded with spaces to a multiple of 8), then the tensor bytes.
 * We write F32 and read F32, F16 and BF16 (widened to Float32).
 */
import { bf16ToF32, f16ToF32 } from "./half.ts";

/** A host tensor: row-major Float32 data and its shape. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** Tensors by name (Hugging Face names for model weights). */
export type TensorMap = Map<string, HostTensor>;

/** What `decodeSafetensors` returns: the tensors and the header's `__metadata__` (empty when absent). */
export interface DecodedSafetensors {
  tensors: TensorMap;
  metadata: Record<string, string>;
}

const METADATA_KEY = "__metadata__";
/** The reference implementation refuses headers above 100 MB; so do we. */
const MAX_HEADER_BYTES = 100_000_000;
const DTYPE_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error("safetensors: this host is big-endian; toolrl's safetensors IO supports little-endian hosts only.");
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

function isDimension(d: unknown): d is number {
  return typeof d === "number" && Number.isSafeInteger(d) && d >= 0;
}

/**
 * Serialises F32 tensors (in map order) and string metadata to safetensors bytes.
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors(new Map([["w", { shape: [2], data: new Float32Array([1, 2]) }]]), { format: "pt" });
 * ```
 */
export function encodeSafetensors(tensors: TensorMap, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== "string") {
        throw new Error(`safetensors: metadata values must be strings; "${key}" is ${JSON.stringify(value)}.`);
      }
    }
    header[METADATA_KEY] = metadata;
  }
  let offset = 0;
  for (const [name, { shape, data }] of tensors) {
    if (name === METADATA_KEY) throw new Error(`safetensors: "${METADATA_KEY}" is reserved and cannot name a tensor.`);
    if (!Array.isArray(shape) || !shape.every(isDimension)) {
      throw new Error(`safetensors: tensor "${name}" has an invalid shape ${JSON.stringify(shape)}; use non-negative integers.`);
    }
    if (!(data instanceof Float32Array) || data.length !== elementCount(shape)) {
      throw new Error(
        `safetensors: tensor "${name}" of shape ${JSON.stringify(shape)} needs ${elementCount(shape)} Float32 values, got ${
          data instanceof Float32Array ? data.length : String(data)
        }.`,
      );
    }
    header[name] = { dtype: "F32", shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerBytes + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerBytes);
  let at = 8 + headerBytes;
  for (const { data } of tensors.values()) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}

interface HeaderEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

function parseHeader(bytes: Uint8Array): { entries: HeaderEntry[]; metadata: Record<string, string>; dataStart: number } {
  if (bytes.length < 8) {
    throw new Error(`safetensors: file is truncated: ${bytes.length} bytes, fewer than the 8-byte header length.`);
  }
  const declared = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    throw new Error(`safetensors: header length ${declared} exceeds ${MAX_HEADER_BYTES} bytes; the file is corrupt or not safetensors.`);
  }
  const headerBytes = Number(declared);
  if (8 + headerBytes > bytes.length) {
    throw new Error(`safetensors: file is truncated: header declares ${headerBytes} bytes but only ${bytes.length - 8} follow.`);
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(8, 8 + headerBytes));
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    throw new Error(`safetensors: header is not valid JSON (${(error as Error).message}): ${text.slice(0, 80)}`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header) || !text.startsWith("{")) {
    throw new Error(`safetensors: header must be a JSON object, got ${text.slice(0, 80)}`);
  }
  const metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      for (const [key, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
        if (typeof value !== "string") {
          throw new Error(`safetensors: __metadata__ values must be strings; "${key}" is ${JSON.stringify(value)}.`);
        }
        metadata[key] = value;
      }
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = (raw ?? {}) as Record<string, unknown>;
    if (typeof dtype !== "string" || !(dtype in DTYPE_BYTES)) {
      throw new Error(`safetensors: tensor "${name}" has unsupported dtype ${JSON.stringify(dtype)}; supported: F32, F16, BF16.`);
    }
    if (!Array.isArray(shape) || !shape.every(isDimension)) {
      throw new Error(`safetensors: tensor "${name}" has an invalid shape ${JSON.stringify(shape)}.`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isDimension) || offsets[0] > offsets[1]) {
      throw new Error(`safetensors: tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}.`);
    }
    const [begin, end] = offsets as number[];
    if (end - begin !== elementCount(shape) * DTYPE_BYTES[dtype]) {
      throw new Error(
        `safetensors: tensor "${name}" (${dtype}, shape ${JSON.stringify(shape)}) needs ${
          elementCount(shape) * DTYPE_BYTES[dtype]
        } bytes but data_offsets ${JSON.stringify(offsets)} span ${end - begin}.`,
      );
    }
    entries.push({ name, dtype, shape, begin, end });
  }
  return { entries, metadata, dataStart: 8 + headerBytes };
}

function checkLayout(entries: HeaderEntry[], dataBytes: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of sorted) {
    if (e.begin !== expected) {
      throw new Error(
        `safetensors: tensor "${e.name}" starts at byte ${e.begin} but the previous tensor ends at ${expected}; data_offsets must be contiguous without overlap.`,
      );
    }
    expected = e.end;
  }
  if (expected > dataBytes) {
    const last = sorted[sorted.length - 1];
    throw new Error(
      `safetensors: file is truncated: tensor "${last.name}" ends at data byte ${expected} but only ${dataBytes} data bytes are present.`,
    );
  }
  if (expected < dataBytes) {
    throw new Error(`safetensors: ${dataBytes - expected} bytes after the last tensor (data ends at ${expected} of ${dataBytes}); the file is corrupt.`);
  }
}

function toFloat32(dtype: string, raw: Uint8Array): Float32Array {
  const copy = raw.slice(); // aligned, owned copy
  if (dtype === "F32") return new Float32Array(copy.buffer);
  const halves = new Uint16Array(copy.buffer);
  return dtype === "F16" ? f16ToF32(halves) : bf16ToF32(halves);
}

/**
 * Parses safetensors bytes into Float32 tensors (F16 and BF16 widened exactly) and the metadata.
 *
 * @example
 * ```ts
 * const { tensors, metadata } = decodeSafetensors(await readFile("model.safetensors"));
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  const { entries, metadata, dataStart } = parseHeader(bytes);
  checkLayout(entries, bytes.length - dataStart);
  const tensors: TensorMap = new Map();
  for (const e of entries) {
    const raw = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    tensors.set(e.name, { shape: [...e.shape], data: toFloat32(e.dtype, raw) });
  }
  return { tensors, metadata };
}
