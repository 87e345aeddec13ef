import { isTensor, Tensor } from '@weir/dataflow';

/** |actual - expected| <= atol + rtol * max(|actual|, |expected|). */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/**
 * How closely graph output must match eager output. The documented contract of Weir's central invariant:
 *
 * - float32 tensors: rtol 1e-5, atol 1e-6 (a few float32 ulps: backends may reorder sums or fuse ops).
 * - float64 tensors: rtol 1e-12, atol 1e-14.
 * - plain JS numbers: the float32 tolerance. A number carries no dtype, and a rank-0 float32 result becomes a
 *   plain number at a stage boundary (normalize.ts), so a number may hold a float32 result.
 * - everything else exactly: int32, uint8 and bool tensors, booleans, strings, null/undefined, the dtype and
 *   shape of every tensor, the length and ORDER of every array and of the output stream, and the set of
 *   fields of every record (field order is not compared: a record is a set of named fields).
 * - NaN equals NaN (in every float slot); an infinity equals only the same infinity; -0 equals 0.
 *
 * A backend with a looser contract (a GPU's fast math) passes its own tolerances to the harness.
 */
export interface Tolerances {
  readonly float32: Tolerance;
  readonly float64: Tolerance;
  readonly number: Tolerance;
}

export const DEFAULT_TOLERANCES: Tolerances = {
  float32: { rtol: 1e-5, atol: 1e-6 },
  float64: { rtol: 1e-12, atol: 1e-14 },
  number: { rtol: 1e-5, atol: 1e-6 },
};

/** One difference, at a path into the output such as `[3].y[0,2]`. */
export interface Mismatch {
  readonly path: string;
  readonly message: string;
}

/** Whether two floats agree within `tol` (see Tolerances for NaN and infinities). */
export function floatsAgree(expected: number, actual: number, tol: Tolerance): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual);
  if (expected === actual) return true;
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return false;
  return Math.abs(expected - actual) <= tol.atol + tol.rtol * Math.max(Math.abs(expected), Math.abs(actual));
}

/**
 * Compares the eager reference output with another run's output and lists the differences (at most `limit`),
 * empty when they agree under `tolerances`.
 *
 * ```ts
 * compareOutputs([{ y: tensor([1, 2]) }], [{ y: tensor([1, 2.000001]) }]); // []
 * compareOutputs([1, 2], [2, 1]); // [{ path: '[0]', message: 'expected 1, got 2' }, { path: '[1]', ... }]
 * ```
 */
export function compareOutputs(expected: unknown, actual: unknown, tolerances: Partial<Tolerances> = {}, limit = 8): Mismatch[] {
  const tol: Tolerances = { ...DEFAULT_TOLERANCES, ...tolerances };
  const out: Mismatch[] = [];
  const report = (path: string, message: string): void => {
    if (out.length < limit) out.push({ path: path || '(root)', message });
  };
  const walk = (e: unknown, a: unknown, path: string): void => {
    if (out.length >= limit) return;
    if (isTensor(e) || isTensor(a)) {
      if (!isTensor(e) || !isTensor(a)) report(path, `expected ${describe(e)}, got ${describe(a)}`);
      else compareTensors(e, a, tol, path, report);
    } else if (typeof e === 'number' && typeof a === 'number') {
      if (!floatsAgree(e, a, tol.number)) report(path, `expected ${describe(e)}, got ${describe(a)}`);
    } else if (Array.isArray(e) || Array.isArray(a)) {
      if (!Array.isArray(e) || !Array.isArray(a)) report(path, `expected ${describe(e)}, got ${describe(a)}`);
      else {
        if (e.length !== a.length) report(path, `expected ${e.length} elements, got ${a.length}`);
        for (let i = 0; i < Math.min(e.length, a.length); i++) walk(e[i], a[i], `${path}[${i}]`);
      }
    } else if (isObject(e) && isObject(a)) {
      const ke = Object.keys(e).sort();
      const ka = Object.keys(a).sort();
      if (ke.join() !== ka.join()) report(path, `expected fields {${ke.join(', ')}}, got {${ka.join(', ')}}`);
      for (const k of ke) if (k in a) walk(e[k], a[k], `${path}.${k}`);
    } else if (e !== a) report(path, `expected ${describe(e)}, got ${describe(a)}`);
  };
  walk(expected, actual, '');
  return out;
}

function compareTensors(e: Tensor, a: Tensor, tol: Tolerances, path: string, report: (p: string, m: string) => void): void {
  if (e.dtype !== a.dtype || e.shape.join() !== a.shape.join()) {
    report(path, `expected a tensor ${e.dtype}[${e.shape.join(',')}], got ${a.dtype}[${a.shape.join(',')}]`);
    return;
  }
  const t = e.dtype === 'float32' ? tol.float32 : e.dtype === 'float64' ? tol.float64 : null;
  let bad = 0;
  for (let i = 0; i < e.size; i++) {
    const x = e.data[i];
    const y = a.data[i];
    const ok = t === null ? x === y : floatsAgree(x, y, t);
    if (!ok && bad++ < 4) report(`${path}[${indexOf(i, e.shape).join(',')}]`, `expected ${x}, got ${y} (${e.dtype})`);
  }
}

function indexOf(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return idx;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !isTensor(x);
}

/** A short description of a value for mismatch messages (NaN, infinities and -0 shown as such). */
export function describe(x: unknown): string {
  if (isTensor(x)) return `a tensor ${x.dtype}[${x.shape.join(',')}] ${formatNested(x.toArray())}`;
  if (typeof x === 'number') return Object.is(x, -0) ? '-0' : String(x);
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (typeof x === 'string') return JSON.stringify(x);
  if (isObject(x)) return `a record {${Object.keys(x).join(', ')}}`;
  return String(x);
}

function formatNested(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(formatNested).join(',')}]`;
  return typeof v === 'number' && Object.is(v, -0) ? '-0' : String(v);
}
