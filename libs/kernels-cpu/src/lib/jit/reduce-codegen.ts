import { formatNumber } from './number-format';
import { jitError, programSource, SlotRead } from './program-source';

/**
 * How the reducing loop reads each input, one letter per input slot, over the layout `[outer, m]` (the kept
 * dimensions, then the reduced ones, contiguous):
 * - `f`: full size: element `p = o * m + r`
 * - `s`: one element: read once, before the loops
 * - `v`: one value per reduced position (a vector over the reduced block, such as a bias): element `r`
 * - `r`: one value per output row: element `o`, read once per row
 * - `a`: full size, read as `f` but from `base` on: a run of a plain JS array of numbers read in place (its
 *   own letter, so the loop compiled for arrays is not the one typed arrays use: each stays monomorphic)
 * - `c`: as `a`, over a run nobody has checked: a value that is not a number calls `H.notNumber(p)`, which
 *   throws (fused-reduce-runs.ts); the check costs nothing on an array V8 holds as doubles
 */
export type ReduceKinds = string;

/** The generated loop: folds `m` values into each of `outer` outputs; full-size inputs are read from `base` on. */
export type FusedReduceLoop = (ins: readonly ArrayLike<number>[], out: { [i: number]: number; length: number }, outer: number, m: number, base?: number) => void;

/**
 * Each reduction's fold, as reduce.ts's kernels step: `acc` the accumulator, `$0` the next value. `int`
 * serves integer and bool values: sum wraps as addInt does (int32, modulo 2^32); max/min drop the NaN test,
 * which such values never pass. `init` is ∓Infinity for max/min whatever the dtype: a loop always folds at
 * least one value (empty folds take the kernel's fallback) and step(∓Infinity, x) is x for every x, so it
 * never reaches the output.
 */
const FOLDS: ReadonlyMap<unknown, { readonly float: string; readonly int: string; readonly init: number }> = new Map([
  ['sum', { float: '(acc + $0)', int: '((acc + $0) | 0)', init: 0 }],
  // NaN wins once seen: `x > acc` is false against a NaN accumulator, and a NaN x replaces any number.
  ['max', { float: '($0 > acc || $0 !== $0 ? $0 : acc)', int: '($0 > acc ? $0 : acc)', init: -Infinity }],
  ['min', { float: '($0 < acc || $0 !== $0 ? $0 : acc)', int: '($0 < acc ? $0 : acc)', init: Infinity }],
]);

const READS: ReadonlyMap<string, (s: number) => SlotRead> = new Map([
  ['s', (s: number) => ({ expr: `x${s}[0]`, level: 0 })],
  ['r', (s: number) => ({ expr: `x${s}[o]`, level: 1 })],
  ['f', (s: number) => ({ expr: `x${s}[p]`, level: 2 })],
  ['a', (s: number) => ({ expr: `x${s}[p]`, level: 2 })],
  ['c', (s: number) => ({ expr: `(typeof x${s}[p] === 'number' ? x${s}[p] : H.notNumber(p))`, level: 2 })],
  ['v', (s: number) => ({ expr: `x${s}[r]`, level: 2 })],
]);

/**
 * The source of one loop that evaluates a fused program (dataflow's contracts/fused.ts) element by element
 * and folds each result into its row's accumulator (dataflow's contracts/fused-reduce.ts): the elementwise
 * result is never stored. Built as generateLoopSource is (programSource: fixed tables, generated names,
 * formatted numbers); `reduce` must be a key of FOLDS and `kinds` letters of READS, or it is an error.
 * The fold runs in the order reduceImpl's does (r = 0..m-1 from the identity), so results are bit-identical.
 *
 * ```ts
 * generateReduceLoopSource([['input', 'float64', 0], ['exp', 'float64', 0]], 'sum', 'f');
 * // "use strict"; return function fusedReduceLoop(ins, out, outer, m) { ... acc = (acc + t1); ... }
 * ```
 */
export function generateReduceLoopSource(program: unknown, reduce: unknown, kinds: ReduceKinds): string {
  const fold = FOLDS.get(reduce);
  if (fold === undefined) throw jitError('fusedReduce', 'ends in a reduction the JIT does not know (expected sum, max or min)');
  if (!/^[fsvrac]*$/.test(kinds)) throw jitError('fusedReduce', `input kinds '${kinds.slice(0, 20)}' are not f/s/v/r/a/c`);
  const src = programSource('fusedReduce', program, kinds.length, (s) => (READS.get(kinds[s]) as (s: number) => SlotRead)(s));
  const at = (level: number, indent: string): string[] => src.lines.filter((l) => l.level === level).map((l) => indent + l.text);
  const step = (src.dtype === 'float32' || src.dtype === 'float64' ? fold.float : fold.int).replace(/\$0/g, src.result);
  return [
    '"use strict";',
    'return function fusedReduceLoop(ins, out, outer, m, base) {',
    ...src.used.map((s) => `  const x${s} = ins[${s}];`),
    ...at(0, '  '),
    '  for (let o = 0, p = base === undefined ? 0 : base; o < outer; o++) {',
    ...at(1, '    '),
    `    let acc = ${formatNumber(fold.init)};`,
    '    for (let r = 0; r < m; r++, p++) {',
    ...at(2, '      '),
    `      acc = ${step};`,
    '    }',
    '    out[o] = acc;',
    '  }',
    '};',
  ].join('\n');
}
