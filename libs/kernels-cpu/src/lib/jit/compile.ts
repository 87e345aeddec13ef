import { NotANumberInRun } from '../not-a-number-in-run';
import { floatFloorDiv, floatMod, floatPow, intFloorDiv, intMod, intPow, sigmoid } from '../scalar_fns';
import { FusedLoop, generateLoopSource, InputKinds } from './codegen';
import { FusedReduceLoop, generateReduceLoopSource, ReduceKinds } from './reduce-codegen';

/** The scalar helpers generated code may call as `H.name`: scalar_fns.ts, shared with the kernels. */
const HELPERS = Object.freeze({
  floatFloorDiv, floatMod, floatPow, intFloorDiv, intMod, intPow, sigmoid,
  /** A `c` input's value at array index `p` is not a number (reduce-codegen.ts). */
  notNumber(p: number): never {
    throw new NotANumberInRun(p);
  },
});

/**
 * The cache key of a program: its JSON with every number spelled out, since JSON writes NaN and ±Infinity as
 * `null` and -0 as `0`, and programs differing only there compile to different loops.
 */
function programKey(program: unknown): string {
  return JSON.stringify(program, (_, v: unknown) => (typeof v === 'number' ? `#${Object.is(v, -0) ? '-0' : String(v)}` : v));
}

/** Compiled loops by program text and variant (input kinds, and the reduction for reducing loops); bounded, oldest dropped first. */
const byKey = new Map<string, unknown>();
export const JIT_CACHE_LIMIT = 512;
/**
 * The same cache keyed by the program's array (a node's attrs are the same object on every call), so the
 * steady state costs a WeakMap lookup, not a JSON.stringify of the program.
 */
const byProgram = new WeakMap<object, Map<string, unknown>>();
let compiled = 0;

/**
 * The loop for `program` in `variant`, compiled once from `source()` with `new Function` and cached.
 * Variants of the two loop families never collide: elementwise kinds are f/s/b letters, reducing ones start
 * with the reduction's name in JSON quotes.
 */
function cachedLoop<T>(program: unknown, variant: string, source: () => string): T {
  const own = typeof program === 'object' && program !== null ? byProgram.get(program) : undefined;
  const hit = own?.get(variant);
  if (hit !== undefined) return hit as T;
  const key = `${programKey(program)}|${variant}`;
  let loop = byKey.get(key);
  if (loop === undefined) {
    const text = source();
    // The one eval-like call in Weir: the source is built from fixed tables, generated names and numbers only.
    loop = new Function('H', text)(HELPERS) as unknown;
    compiled++;
    if (byKey.size >= JIT_CACHE_LIMIT) byKey.delete(byKey.keys().next().value as string);
    byKey.set(key, loop);
  }
  if (typeof program === 'object' && program !== null) {
    let m = byProgram.get(program);
    if (m === undefined) byProgram.set(program, (m = new Map()));
    m.set(variant, loop);
  }
  return loop as T;
}

/**
 * The loop for `program` with inputs read as `kinds`, compiled once with `new Function` and cached. The
 * source comes from generateLoopSource only (tables, generated identifiers, formatted numbers).
 *
 * ```ts
 * const loop = fusedLoop(program, 'fs');
 * loop([x.data, y.data], out.data, out.size, [], []);
 * ```
 */
export function fusedLoop(program: unknown, kinds: InputKinds): FusedLoop {
  return cachedLoop<FusedLoop>(program, kinds, () => generateLoopSource(program, kinds));
}

/**
 * The reducing loop for `program` ending in `reduce`, with inputs read as `kinds`, compiled once and cached
 * like fusedLoop. The source comes from generateReduceLoopSource only.
 *
 * ```ts
 * const loop = fusedReduceLoop(program, 'sum', 'fv');
 * loop([x.data, b.data], out.data, rows, 64);
 * ```
 */
export function fusedReduceLoop(program: unknown, reduce: unknown, kinds: ReduceKinds): FusedReduceLoop {
  // JSON keeps the variant unambiguous whatever `reduce` holds; one the JIT does not know is refused, not cached.
  const variant = `${JSON.stringify(reduce)}:${kinds}`;
  return cachedLoop<FusedReduceLoop>(program, variant, () => generateReduceLoopSource(program, reduce, kinds));
}

/** How many loops have been compiled in this process (for tests and benchmarks of the cache). */
export function jitCompileCount(): number {
  return compiled;
}
