import type { TypedArray } from '@weir/dataflow';

/**
 * Interleaves chunks: for each of `outer` rows, copies chunk `o` of every source in turn into `out`
 * (source `i` contributes `chunks[i]` elements per row). Concat and stack are both this.
 * `TypedArray.set` converts between dtypes, so sources may differ from the promoted output.
 *
 * ```ts
 * const out = new Float32Array(6);
 * joinImpl([Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6)], [2, 1], 2, out); // [1, 2, 5, 3, 4, 6]
 * ```
 */
export function joinImpl(sources: readonly TypedArray[], chunks: readonly number[], outer: number, out: TypedArray): void {
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < sources.length; i++) {
      const c = chunks[i];
      if (c === 0) continue;
      out.set(sources[i].subarray(o * c, (o + 1) * c), p);
      p += c;
    }
  }
}
