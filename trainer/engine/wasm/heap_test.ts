import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHeap } from "./heap.ts";

const PAGE = 65536;

function sharedMemory(pages: number, maximum = 1024): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: pages, maximum, shared: true });
}

test("alloc() hands out zero-filled, 16-byte aligned, disjoint views inside the memory", () => {
  const memory = sharedMemory(1);
  const heap = createHeap(memory, { base: 1024, shared: true, maxBytes: 1024 * PAGE });
  const a = heap.alloc(5), b = heap.allocInt32(3), c = heap.alloc(0);
  for (const view of [a, b, c]) {
    assert.is(view.byteOffset % 16, 0);
    assert.ok(view.byteOffset >= 1024);
    assert.is(heap.offsetOf(view, view.length, "view"), view.byteOffset);
  }
  assert.equal(Array.from(a), [0, 0, 0, 0, 0]);
  assert.ok(b instanceof Int32Array);
  assert.ok(b.byteOffset >= a.byteOffset + 20 && c.byteOffset >= b.byteOffset + 12);
});

test("a freed block is reused for the same size and comes back zero-filled", () => {
  const heap = createHeap(sharedMemory(1), { base: 1024, shared: true, maxBytes: 1024 * PAGE });
  const a = heap.alloc(100);
  a.fill(7);
  heap.free(a);
  const b = heap.alloc(100);
  assert.is(b.byteOffset, a.byteOffset);
  assert.ok(b.every((x) => x === 0));
  const reserved = heap.bytesReserved();
  heap.free(b);
  heap.alloc(100);
  assert.is(heap.bytesReserved(), reserved);
});

test("views made before the shared memory grows stay valid and are still recognised", () => {
  const memory = sharedMemory(1);
  const heap = createHeap(memory, { base: 1024, shared: true, maxBytes: 1024 * PAGE });
  const early = heap.alloc(4);
  early.set([1, 2, 3, 4]);
  const big = heap.alloc(3 * PAGE);
  assert.ok(memory.buffer.byteLength >= 1024 + 16 + 12 * PAGE);
  big[big.length - 1] = 9;
  assert.equal(Array.from(early), [1, 2, 3, 4]);
  assert.is(heap.offsetOf(early, 4, "early"), early.byteOffset);
  assert.equal(Array.from(new Float32Array(memory.buffer, early.byteOffset, 4)), [1, 2, 3, 4]);
});

test("a non-shared memory refuses to grow and says to raise initialMb", () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 100 });
  const heap = createHeap(memory, { base: 1024, shared: false, maxBytes: 100 * PAGE });
  const kept = heap.alloc(10);
  assert.throws(() => heap.alloc(PAGE), /non-shared memory is full.*initialMb/);
  assert.is(kept.length, 10); // not detached
  assert.is(memory.buffer.byteLength, PAGE);
});

test("growing past the maximum says to raise maxMb", () => {
  const heap = createHeap(sharedMemory(1, 2), { base: 1024, shared: true, maxBytes: 2 * PAGE });
  assert.throws(() => heap.alloc(PAGE), /over the memory's maximum.*maxMb/);
});

test("offsetOf() rejects arrays outside the memory and arrays shorter than the shapes need", () => {
  const heap = createHeap(sharedMemory(1), { base: 1024, shared: true, maxBytes: 1024 * PAGE });
  const other = createHeap(sharedMemory(1), { base: 1024, shared: true, maxBytes: 1024 * PAGE });
  assert.throws(() => heap.offsetOf(new Float32Array(8), 8, "matmulForward: inp"), /matmulForward: inp is not a view into the kernels' WebAssembly memory.*kernels\.alloc\(\)/);
  assert.throws(() => heap.offsetOf(other.alloc(8), 8, "inp"), /not a view into the kernels' WebAssembly memory/);
  assert.throws(() => heap.offsetOf(heap.alloc(6), 8, "weight"), /weight has 6 elements, fewer than the 8/);
});

test("free() rejects a foreign array and a second free of the same array", () => {
  const heap = createHeap(sharedMemory(1), { base: 1024, shared: true, maxBytes: 1024 * PAGE });
  const a = heap.alloc(4);
  heap.free(a);
  assert.throws(() => heap.free(a), /not a live allocation/);
  assert.throws(() => heap.free(new Float32Array(4)), /not a live allocation/);
});

test("reset() frees everything and the next allocation starts at the base, zero-filled", () => {
  const heap = createHeap(sharedMemory(1), { base: 1024, shared: true, maxBytes: 1024 * PAGE });
  const first = heap.alloc(10);
  first.fill(3);
  heap.alloc(20);
  heap.reset();
  assert.is(heap.bytesReserved(), 0);
  const again = heap.alloc(10);
  assert.is(again.byteOffset, first.byteOffset);
  assert.ok(again.every((x) => x === 0));
});

test.run();
