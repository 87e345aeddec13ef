import { isTensor, type Tensor } from '@weir/dataflow';

/** A record as connectors read and write it: named fields of numbers, booleans, strings and Tensors. */
export type Rec = Record<string, unknown>;

/**
 * What a sink writes for one pipeline output: records as they are; anything else (a bare number, a Tensor,
 * an array from a count window) as the record `{ value: x }`, so every format has named columns.
 */
export function asRecord(x: unknown): Rec {
  if (typeof x === 'object' && x !== null && !Array.isArray(x) && !isTensor(x) && !ArrayBuffer.isView(x)) return x as Rec;
  return { value: x };
}

/**
 * A value as plain JSON: Tensors become nested arrays (float32 elements written with the fewest digits
 * that read back to the same float32, so `0.1f` prints as `0.1`, not `0.10000000149011612`), bigints
 * become numbers when exact and strings otherwise, non-finite numbers become strings ("NaN", "Infinity")
 * since JSON has no literal for them.
 */
export function toJsonValue(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? bigintToJson(v) : v;
  if (isTensor(v)) return tensorToJson(v);
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, toJsonValue);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toJsonValue(x)]));
  const out: Rec = {};
  for (const k of Object.keys(v)) out[k] = toJsonValue((v as Rec)[k]);
  return out;
}

function bigintToJson(v: bigint): number | string {
  return BigInt(Number(v)) === v ? Number(v) : v.toString();
}

export function tensorToJson(t: Tensor): unknown {
  if (t.dtype === 'bool') return t.toArray();
  const data = t.data;
  const f32 = t.dtype === 'float32';
  const read = (i: number): number | string => {
    const x = data[i];
    if (!Number.isFinite(x)) return String(x);
    return f32 ? shortestFloat32(x) : x;
  };
  if (t.rank === 0) return read(0);
  let offset = 0;
  const build = (dim: number): unknown[] => {
    const n = t.shape[dim];
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = dim === t.rank - 1 ? read(offset++) : build(dim + 1);
    return out;
  };
  return build(0);
}

/** The shortest decimal that reads back as the same float32 (at most 9 significant digits suffice). */
export function shortestFloat32(x: number): number {
  if (Number.isInteger(x)) return x;
  for (let p = 1; p < 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return Number(x.toPrecision(9));
}

/** One CSV cell: strings as they are, tensors and other structured values as JSON; quoted when needed. */
export function toCsvCell(v: unknown, delimiter = ','): string {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') s = String(v);
  else if (v === null || v === undefined) s = '';
  else s = JSON.stringify(toJsonValue(v));
  return needsQuotes(s, delimiter) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function needsQuotes(s: string, delimiter: string): boolean {
  return s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r') || (s.length > 0 && (s[0] === ' ' || s[s.length - 1] === ' '));
}
