/**
 * Shapes, sizes and NumPy broadcasting.
 *
 * A `Dim` is a number, or `null` for a dimension whose size is not known while tracing (the symbolic batch
 * dimension, or a `spec([null, 3])` input). Concrete tensors only ever have numbers.
 */
export type Dim = number | null;
export type Shape = readonly number[];
export type SymShape = readonly Dim[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function shapesEqual(a: SymShape, b: SymShape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function formatShape(shape: SymShape): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(',')}]`;
}

/**
 * The broadcast of two shapes, or null when they do not broadcast. Unknown dimensions broadcast with 1 to
 * unknown and with n to n (checked again when the graph runs).
 */
export function broadcastShapes(a: SymShape, b: SymShape): Dim[] | null {
  const rank = Math.max(a.length, b.length);
  const out = new Array<Dim>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da === db) out[i] = da;
    else if (da === 1) out[i] = db;
    else if (db === 1) out[i] = da;
    else if (da === null) out[i] = db;
    else if (db === null) out[i] = da;
    else return null;
  }
  return out;
}

/** Normalizes a possibly negative axis against a rank; returns null when out of range. */
export function normalizeAxis(axis: number, rank: number): number | null {
  if (!Number.isInteger(axis)) return null;
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : null;
}
