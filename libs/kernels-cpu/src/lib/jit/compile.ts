import { floatFloorDiv, floatMod, floatPow, intFloorDiv, intMod, intPow, sigmoid } from '../scalar_fns';
import { FusedLoop, generateLoopSource, InputKinds } from './codegen';

/** The scalar helpers generated code may call as `H.name`: scalar_fns.ts, shared with the kernels. */
const HELPERS = Object.freeze({ floatFloorDiv, floatMod, floatPow, intFloorDiv, intMod, intPow, sigmoid });

/** Compiled loops by program text and input kinds; bounded, oldest dropped first. */
const byKey = new Map<string, FusedLoop>();
export const JIT_CACHE_LIMIT = 512;
/**
 * The same cache keyed by the program's array (a node's attrs are the same object on every call), so the
 * steady state costs a WeakMap lookup, not a JSON.stringify of the program.
 */
const byProgram = new WeakMap<object, Map<InputKinds, FusedLoop>>();
let compiled = 0;

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
  const own = typeof program === 'object' && program !== null ? byProgram.get(program) : undefined;
  const hit = own?.get(kinds);
  if (hit !== undefined) return hit;
  const key = `${JSON.stringify(program)}|${kinds}`;
  let loop = byKey.get(key);
  if (loop === undefined) {
    const source = generateLoopSource(program, kinds);
    // The one eval-like call in Weir: `source` is built from fixed tables, generated names and numbers only.
    loop = new Function('H', source)(HELPERS) as FusedLoop;
    compiled++;
    if (byKey.size >= JIT_CACHE_LIMIT) byKey.delete(byKey.keys().next().value as string);
    byKey.set(key, loop);
  }
  if (typeof program === 'object' && program !== null) {
    let m = byProgram.get(program);
    if (m === undefined) byProgram.set(program, (m = new Map()));
    m.set(kinds, loop);
  }
  return loop;
}

/** How many loops have been compiled in this process (for tests and benchmarks of the cache). */
export function jitCompileCount(): number {
  return compiled;
}
