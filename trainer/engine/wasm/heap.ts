/**
 * The kernels' memory manager: zero-filled, 16-byte aligned Float32Array / Int32Array views into one
 * WebAssembly.Memory, a bump pointer with exact-size free lists (a training step allocates the same
 * shapes every time, so freed blocks are reused as they are), and the check that turns a view into
 * a byte offset for the kernels.
 *
 * A shared memory grows in place: views made before a grow stay valid. A non-shared memory would
 * detach every view on grow, so there the heap refuses to grow and says to raise `initialMb`.
 *
 * Whether a view lies in the memory cannot be told from `view.buffer` alone: once a shared memory
 * has grown, the runtime may hand out new buffer objects for it at any time (V8 refreshes them when
 * worker threads share the memory). So the heap writes a random 16-byte cookie just below its base
 * and recognises a buffer of the memory by finding the cookie in it.
 */

const PAGE_BYTES = 65536;
const ALIGN = 16;

/** Views handed out by a heap. */
export type HeapView = Float32Array | Int32Array;

/** A heap over a WebAssembly.Memory. */
export interface Heap {
  /** A zero-filled Float32Array of `length` elements inside the memory. */
  alloc(length: number): Float32Array;
  /** A zero-filled Int32Array of `length` elements inside the memory. */
  allocInt32(length: number): Int32Array;
  /** Gives a view from `alloc` / `allocInt32` back for reuse. */
  free(view: HeapView): void;
  /** Frees every view at once (views handed out before must not be used afterwards). */
  reset(): void;
  /** Byte offset of `view` in the memory; throws when it is not a view into it or holds fewer than `length` elements. */
  offsetOf(view: HeapView, length: number, what: string): number;
  /** Bytes between the heap's base and its bump pointer. */
  bytesReserved(): number;
}

/** Where the heap starts and how far the memory may grow. */
export interface HeapOptions {
  /** First byte the heap may use; the 16 bytes below it hold the cookie, bytes below those belong to the caller. */
  base: number;
  /** Whether the memory is shared (growing keeps views valid). */
  shared: boolean;
  /** The memory's maximum size in bytes. */
  maxBytes: number;
}

/**
 * A heap over `memory` from byte `options.base` on.
 *
 * @example
 * ```ts
 * const heap = createHeap(memory, { base: 1024, shared: true, maxBytes: 1 << 30 });
 * const x = heap.alloc(1000); // zeros, inside memory.buffer
 * ```
 */
export function createHeap(memory: WebAssembly.Memory, options: HeapOptions): Heap {
  const base = Math.ceil(options.base / ALIGN) * ALIGN;
  if (base < 16) throw new Error(`createHeap: base ${options.base} leaves no room for the 16-byte cookie below it`);
  let top = base;
  const freeBySize = new Map<number, number[]>();
  const live = new Map<number, number>(); // byte offset -> block bytes
  const cookieAt = base - 16;
  const cookie = crypto.getRandomValues(new Int32Array(4));
  new Int32Array(memory.buffer, cookieAt, 4).set(cookie);
  const buffers = new WeakSet<ArrayBufferLike>([memory.buffer]);

  function isMemoryBuffer(buffer: ArrayBufferLike): boolean {
    if (buffers.has(buffer)) return true;
    if (buffer.byteLength < base || buffer.byteLength > memory.buffer.byteLength) return false;
    const found = new Int32Array(buffer, cookieAt, 4);
    if (found.some((value, i) => value !== cookie[i])) return false;
    buffers.add(buffer);
    return true;
  }

  function ensure(end: number): void {
    const have = memory.buffer.byteLength;
    if (end <= have) return;
    if (!options.shared) {
      throw new Error(
        `wasm kernels: the non-shared memory is full (${have / 2 ** 20} MiB, ${end} bytes needed) and growing it would ` +
          `detach every array handed out; create the kernels with a larger initialMb`,
      );
    }
    if (end > options.maxBytes) {
      throw new Error(
        `wasm kernels: ${end} bytes needed, over the memory's maximum of ${options.maxBytes / 2 ** 20} MiB; ` +
          `create the kernels with a larger maxMb (at most 4096)`,
      );
    }
    const target = Math.min(options.maxBytes, Math.max(end, Math.ceil(have * 1.5)));
    memory.grow(Math.ceil((target - have) / PAGE_BYTES));
  }

  function allocBytes(length: number, kind: string): number {
    if (!Number.isInteger(length) || length < 0) {
      throw new Error(`wasm kernels: ${kind}(${length}): the length must be a non-negative integer`);
    }
    const bytes = Math.max(ALIGN, Math.ceil((length * 4) / ALIGN) * ALIGN);
    const reusable = freeBySize.get(bytes);
    let offset = reusable?.pop();
    if (offset === undefined) {
      ensure(top + bytes);
      offset = top;
      top += bytes;
    } else {
      new Uint8Array(memory.buffer, offset, bytes).fill(0);
    }
    live.set(offset, bytes);
    return offset;
  }

  return {
    alloc(length) {
      const offset = allocBytes(length, "alloc"); // may grow the memory, so memory.buffer is read after
      return new Float32Array(memory.buffer, offset, length);
    },
    allocInt32(length) {
      const offset = allocBytes(length, "allocInt32");
      return new Int32Array(memory.buffer, offset, length);
    },
    free(view) {
      const bytes = live.get(view.byteOffset);
      if (bytes === undefined || !isMemoryBuffer(view.buffer)) {
        throw new Error(
          `wasm kernels: free() got an array (byteOffset ${view.byteOffset}, length ${view.length}) that is not a live ` +
            `allocation of these kernels; free only what alloc()/allocInt32() returned, once`,
        );
      }
      live.delete(view.byteOffset);
      const list = freeBySize.get(bytes);
      if (list) list.push(view.byteOffset);
      else freeBySize.set(bytes, [view.byteOffset]);
    },
    reset() {
      new Uint8Array(memory.buffer, base, top - base).fill(0);
      top = base;
      live.clear();
      freeBySize.clear();
    },
    offsetOf(view, length, what) {
      if (!isMemoryBuffer(view.buffer)) {
        throw new Error(
          `${what} is not a view into the kernels' WebAssembly memory (byteOffset ${view.byteOffset}, length ` +
            `${view.length}); allocate it with kernels.alloc()`,
        );
      }
      if (view.length < length) {
        throw new Error(`${what} has ${view.length} elements, fewer than the ${length} the shapes need`);
      }
      return view.byteOffset;
    },
    bytesReserved: () => top - base,
  };
}
