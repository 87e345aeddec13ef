import type { Shape, TypedArray } from '@weir/dataflow';
import type { Readable } from './broadcast_impl';

/** One step of a fold: the accumulator and the next element give the new accumulator. */
export type ReduceStep = (acc: number, x: number) => number;

/**
 * Folds `data` (of `shape`) over the sorted axes `axes`, starting each fold from `init`; returns the kept
 * elements in row-major order (the layout is the same with or without keepDims).
 *
 * Adjacent dimensions of the same kind (kept or reduced) are merged and size-1 dimensions dropped, so every
 * pass is one `[outer, reduced, inner]` fold over contiguous memory; non-adjacent reduced axes take one pass
 * each, from the last, which is valid because the steps used here (sum, max, min) are associative.
 *
 * ```ts
 * reduceImpl([1, 2, 3, 4, 5, 6], [2, 3], [1], 0, (acc, x) => acc + x); // Float64Array [6, 15]
 * ```
 */
export function reduceImpl(data: Readable, shape: Shape, axes: readonly number[], init: number, step: ReduceStep): Float64Array {
  let groups = mergeGroups(shape.map((size, d) => ({ size, reduced: axes.includes(d) })));
  let src: Readable = data;
  for (;;) {
    let g = -1;
    for (let i = groups.length - 1; i >= 0 && g < 0; i--) if (groups[i].reduced) g = i;
    if (g < 0) break;
    const outer = product(groups.slice(0, g));
    const inner = product(groups.slice(g + 1));
    const dst = new Float64Array(outer * inner);
    foldPass(src, outer, groups[g].size, inner, init, step, dst);
    src = dst;
    groups = mergeGroups(groups.filter((_, i) => i !== g));
  }
  return src instanceof Float64Array && src !== data ? src : Float64Array.from(src);
}

/**
 * The index along one axis of the element that wins by `better` (the first one on ties), for every
 * position of the other axes, as argmax/argmin need. The tensor is viewed as `[outer, n, inner]` with the
 * axis in the middle; `out` receives `outer * inner` indices.
 *
 * ```ts
 * const out = new Int32Array(2);
 * argReduceImpl([1, 9, 3, 7, 2, 8], 2, 3, 1, (x, best) => x > best, out); // out: [1, 2]
 * ```
 */
export function argReduceImpl(
  data: Readable, outer: number, n: number, inner: number,
  better: (x: number, best: number) => boolean, out: TypedArray,
): void {
  const best = new Float64Array(inner);
  const index = new Int32Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let i = 0; i < inner; i++) best[i] = data[base + i];
    index.fill(0);
    // r outside i keeps the reads sequential in memory.
    for (let r = 1; r < n; r++) {
      const row = base + r * inner;
      for (let i = 0; i < inner; i++) {
        const x = data[row + i];
        if (better(x, best[i])) {
          best[i] = x;
          index[i] = r;
        }
      }
    }
    out.set(index, o * inner);
  }
}

interface Group {
  readonly size: number;
  readonly reduced: boolean;
}

/** Drops size-1 dimensions and merges neighbours of the same kind. */
function mergeGroups(dims: readonly Group[]): Group[] {
  const groups: { size: number; reduced: boolean }[] = [];
  for (const { size, reduced } of dims) {
    if (size === 1) continue;
    const last = groups[groups.length - 1];
    if (last !== undefined && last.reduced === reduced) last.size *= size;
    else groups.push({ size, reduced });
  }
  return groups;
}

function product(groups: readonly Group[]): number {
  let n = 1;
  for (const g of groups) n *= g.size;
  return n;
}

function foldPass(src: Readable, outer: number, n: number, inner: number, init: number, step: ReduceStep, dst: Float64Array): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let acc = init;
      for (let r = 0, p = o * n; r < n; r++, p++) acc = step(acc, src[p]);
      dst[o] = acc;
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const d0 = o * inner;
    dst.fill(init, d0, d0 + inner);
    for (let r = 0; r < n; r++) {
      const s0 = (o * n + r) * inner;
      for (let i = 0; i < inner; i++) dst[d0 + i] = step(dst[d0 + i], src[s0 + i]);
    }
  }
}
