import type { DType } from '../lib/core/dtype';
import { formatShape } from '../lib/core/shape';
import type { NestedArray, Tensor } from '../lib/core/tensor';
import type { OpBackend } from './backend';

/** What the suite's cases receive: the backend, and helpers bound to its tolerance. */
export interface SuiteContext {
  readonly backend: OpBackend;
  /** `backend.run(f, inputs)`, always as a promise, so a synchronous throw becomes a rejection. */
  run(f: (...xs: Tensor[]) => Tensor, inputs?: Tensor[]): Promise<Tensor>;
  /** Runs f and checks dtype, shape and values (floats within the backend's tolerance). */
  expectRun(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], dtype: DType, shape: readonly number[], values: NestedArray): Promise<Tensor>;
  /** Runs f and checks that it fails with exactly `message`. */
  expectError(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], message: string): Promise<void>;
  /** Relative tolerance for a dtype: `backend.rtol` (default 1e-5) for float32, 1e-12 for float64, 0 otherwise. */
  rtol(dtype: DType): number;
}

/**
 * Makes the helpers for a backend.
 *
 * ```ts
 * const ctx = suiteContext(eagerBackend);
 * await ctx.expectRun((x) => ops.add(x, 1), [tensor([1, 2])], 'float32', [2], [2, 3]);
 * ```
 */
export function suiteContext(backend: OpBackend): SuiteContext {
  const rtol = (dtype: DType): number =>
    dtype === 'float32' ? (backend.rtol ?? 1e-5) : dtype === 'float64' ? (backend.rtol ?? 1e-12) : 0;
  const run = async (f: (...xs: Tensor[]) => Tensor, inputs: Tensor[] = []): Promise<Tensor> => backend.run(f, inputs);
  return {
    backend,
    rtol,
    run,
    async expectRun(f, inputs, dtype, shape, values) {
      const out = await run(f, inputs);
      expectTensor(out, dtype, shape, values, rtol(dtype));
      return out;
    },
    async expectError(f, inputs, message) {
      let error: unknown = undefined;
      try {
        await run(f, inputs);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(message);
    },
  };
}

/** Flattens nested values to numbers as they are stored (booleans as 0/1). */
export function flatValues(values: NestedArray): number[] {
  const out: number[] = [];
  const walk = (v: NestedArray): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else out.push(typeof v === 'boolean' ? (v ? 1 : 0) : v);
  };
  walk(values);
  return out;
}

/**
 * Whether `actual` matches `expected` within relative tolerance `rtol` (0: exactly). NaN matches only NaN
 * and an infinity only the same infinity; below 1e-3 in magnitude the tolerance is absolute, so results
 * that should be 0 are not held to a relative bound.
 */
export function close(actual: number, expected: number, rtol: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (actual === expected) return true;
  if (rtol === 0 || !Number.isFinite(expected) || !Number.isFinite(actual)) return false;
  return Math.abs(actual - expected) <= rtol * Math.max(Math.abs(expected), 1e-3);
}

/**
 * Checks a tensor's dtype, shape and values, listing the first mismatching elements on failure. A bool
 * tensor must hold only 0 and 1.
 *
 * ```ts
 * expectTensor(ops.add(tensor([1]), 1), 'float32', [1], [2], 1e-5);
 * ```
 */
export function expectTensor(actual: Tensor, dtype: DType, shape: readonly number[], values: NestedArray, rtol: number): void {
  expect({ dtype: actual.dtype, shape: [...actual.shape] }).toEqual({ dtype, shape: [...shape] });
  const want = flatValues(values);
  const got = Array.from(actual.data as ArrayLike<number>);
  expect(got.length).toBe(want.length);
  const bad: string[] = [];
  for (let i = 0; i < want.length && bad.length < 5; i++) {
    if (!close(got[i], want[i], rtol)) bad.push(`at flat index ${i} of ${formatShape(shape)}: got ${got[i]}, expected ${want[i]}`);
  }
  if (dtype === 'bool') {
    const notBool = got.findIndex((v) => v !== 0 && v !== 1);
    if (notBool >= 0) bad.push(`bool tensor stores ${got[notBool]} at flat index ${notBool}`);
  }
  expect(bad).toEqual([]);
}
