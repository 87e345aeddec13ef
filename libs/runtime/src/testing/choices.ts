import { mulberry32 } from '@weir/dataflow';
import type { DType } from '@weir/dataflow';
import type { ConstTensor, Creation } from './op-program';

/**
 * Small deterministic helpers the program builder turns random choices into shapes and values with. Each is
 * total (any choice gives a valid answer), so a shrunk choice still builds a valid program.
 */

/** A small deterministic PRNG for a step's secondary choices (the library's mulberry32). */
export const prng = mulberry32;


export const intIn = (rnd: () => number, n: number): number => Math.floor(rnd() * n);

/** A shape that broadcasts with `s`: s itself, a suffix, some dims set to 1, a new leading dim, or a scalar. */
export function broadcastPartner(s: readonly number[], sel: number): number[] {
  switch (sel % 5) {
    case 0: return [...s];
    case 1: return s.slice(Math.min(s.length, 1 + ((sel >> 3) % Math.max(1, s.length))));
    case 2: return s.map((d, i) => (((sel >> 3) >> i) & 1 ? 1 : d));
    case 3: return s.length < 4 ? [1 + ((sel >> 3) % 3), ...s] : [...s];
    default: return [];
  }
}

/** A shape matmul accepts with `s`, as its b when `asA` (s is a), else as its a: 1-D, 2-D or batched. */
export function matmulPartner(s: readonly number[], asA: boolean, sel: number, rnd: () => number): number[] {
  const n = 1 + intIn(rnd, 3);
  const batch = s.length > 2 ? s.slice(0, -2).map((d) => (rnd() < 0.3 ? 1 : d)) : [1 + intIn(rnd, 3)];
  if (asA) {
    const k = s[s.length - 1];
    return [[k], [k, n], [...batch, k, n], [1, k, n]][sel % 4];
  }
  const k = s.length === 1 ? s[0] : s[s.length - 2];
  return [[k], [n, k], [...batch, n, k], [1, n, k]][sel % 4];
}

/** Reduction axes for rank r: null (all), one axis (maybe negative) or a sorted list. */
export function randomAxes(r: number, sel: number, rnd: () => number): number | number[] | null {
  if (r === 0 || sel % 4 === 0) return null;
  const axes = Array.from({ length: r }, (_, i) => i).filter(() => rnd() < 0.5);
  if (axes.length === 0) return sel % 2 === 0 ? intIn(rnd, r) : intIn(rnd, r) - r;
  return axes.length === 1 && sel % 3 === 0 ? axes[0] : axes;
}

export function permutation(r: number, rnd: () => number): number[] {
  const avail = Array.from({ length: r }, (_, i) => i);
  const out: number[] = [];
  while (avail.length > 0) out.push(avail.splice(intIn(rnd, avail.length), 1)[0]);
  return out;
}

/** A random shape of `parts` dims holding exactly `size` elements. */
export function factorize(size: number, parts: number, rnd: () => number): number[] {
  if (size === 0) return parts === 1 ? [0] : [0, 1 + intIn(rnd, 3)];
  const out: number[] = [];
  let rest = size;
  for (let i = 0; i < parts - 1; i++) {
    const divisors = Array.from({ length: rest }, (_, k) => k + 1).filter((d) => rest % d === 0);
    const d = divisors[intIn(rnd, divisors.length)];
    out.push(d);
    rest /= d;
  }
  out.push(rest);
  return out;
}

/** Element i of a constant of `dtype` chosen by `sel`: small integers, halves, or uint8 values up to 250. */
export function constValue(dtype: DType, sel: number, i: number): number {
  const base = (((sel + 1) * 7 + i * 5) % 11) - 5;
  if (dtype === 'float32' || dtype === 'float64') return base / 2;
  if (dtype === 'uint8') return (base + 5) * 25;
  if (dtype === 'bool') return base > 0 ? 1 : 0;
  return base;
}

export function constTensor(dtype: DType, shape: readonly number[], sel: number): ConstTensor {
  const size = shape.reduce((p, d) => p * d, 1);
  return { dtype, shape: [...shape], values: Array.from({ length: size }, (_, i) => constValue(dtype, sel, i)) };
}

/**
 * A tensor of `shape` and `dtype` made by a creation op inside the function, or null when `sel` picks one that
 * cannot make it: fill, ones/zeros, range (1-D), eye (square 2-D).
 */
export function creation(shape: readonly number[], dtype: DType, sel: number): Creation | null {
  const s = [...shape];
  switch (sel % 4) {
    case 0: return { op: 'fill', args: [s, constValue(dtype, sel, 0), dtype], dtype, shape: s };
    case 1: return { op: (sel >> 2) % 2 === 0 ? 'ones' : 'zeros', args: [s, dtype], dtype, shape: s };
    case 2: {
      if (s.length !== 1 || dtype === 'bool') return null;
      const start = ((sel >> 2) % 5) - 2;
      const step = dtype === 'uint8' || (sel >> 4) % 2 === 0 ? 1 : dtype === 'int32' ? -1 : 0.5;
      if (dtype === 'uint8' && start < 0) return null;
      return { op: 'range', args: [start, start + s[0] * step, step, dtype], dtype, shape: s };
    }
    default:
      return s.length === 2 && s[0] === s[1] ? { op: 'eye', args: [s[0], dtype], dtype, shape: s } : null;
  }
}
