import { WASM_PAGE_BYTES, WasmMemory } from './wasm_api';

/** Rounds a byte count up to 16, the alignment of every region of the kernels' scratch memory. */
export function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/** More scratch than this and the product stays in JS: no kernel call should hold a gigabyte. */
export const MAX_SCRATCH_BYTES = 1 << 30;

/**
 * A Float32Array over a WebAssembly memory that grows on demand: `reserve(bytes)` grows the memory (false
 * past MAX_SCRATCH_BYTES or its maximum) and `heap` is a view of the whole of it, renewed after a growth.
 */
export class Scratch {
  heap: Float32Array;

  constructor(readonly memory: WasmMemory) {
    this.heap = new Float32Array(memory.buffer);
  }

  reserve(bytes: number): boolean {
    if (bytes > MAX_SCRATCH_BYTES) return false;
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      try {
        this.memory.grow(Math.ceil((bytes - have) / WASM_PAGE_BYTES));
      } catch {
        return false;
      }
    }
    const buffer = this.memory.buffer;
    if (this.heap.buffer !== buffer || this.heap.length * 4 !== buffer.byteLength) this.heap = new Float32Array(buffer);
    return true;
  }
}

/**
 * C's block (rows of `n4`) into `out` (rows of `n`): one copy when there is no padding; else a copy a row
 * for wide rows and an element loop for narrow ones, where `subarray().set()` costs ~40 ns a row
 * ([256,1]·[1,1]: 11 µs by rows, under 1 µs by elements).
 */
export function copyOut(heap: Float32Array, from: number, rows: number, n: number, n4: number, out: Float32Array, to: number): void {
  if (n === n4) {
    out.set(heap.subarray(from, from + rows * n), to);
  } else if (n >= 64) {
    for (let i = 0; i < rows; i++) out.set(heap.subarray(from + i * n4, from + i * n4 + n), to + i * n);
  } else {
    for (let i = 0; i < rows; i++) for (let j = 0; j < n; j++) out[to + i * n + j] = heap[from + i * n4 + j];
  }
}
