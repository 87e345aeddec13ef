import { isTensor, Tensor } from '@weir/dataflow';
import { tensorToJson } from '../runtime';

/** Elements shown per tensor in a one-line summary; `print` shows all of them. */
const BRIEF_ELEMENTS = 6;

/**
 * One line for a value in a step listing: records as `{a: 1, x: float32[8] [0.1, 0.2, …]}`, long strings and
 * tensors cut short.
 */
export function brief(v: unknown): string {
  const s = briefOf(v);
  // A window pane holds many records: a step listing shows its start, `print` shows it all.
  return s.length > MAX_BRIEF ? s.slice(0, MAX_BRIEF - 1) + '…' : s;
}

const MAX_BRIEF = 200;

function briefOf(v: unknown): string {
  if (isTensor(v)) return briefTensor(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `[${v.length} items: ${v.slice(0, 2).map(briefOf).join(', ')}${v.length > 2 ? ', …' : ''}]`;
  const entries = Object.entries(v as Record<string, unknown>);
  return `{${entries.map(([k, x]) => `${k}: ${briefOf(x)}`).join(', ')}}`;
}

function briefTensor(t: Tensor): string {
  const head = `${t.dtype}[${t.shape.join(',')}]`;
  if (t.size === 0) return `${head} []`;
  const n = Math.min(t.size, BRIEF_ELEMENTS);
  const flat = tensorToJson(t.rank === 0 ? t : new Tensor(t.dtype, [n], t.data.subarray(0, n))) as unknown[] | number | boolean;
  const items = Array.isArray(flat) ? flat.slice(0, n).map(String) : [String(flat)];
  return `${head} [${items.join(', ')}${t.size > n ? ', …' : ''}]`;
}

/** A value in full: a tensor as its dtype, shape and every element, one row per line for rank >= 2. */
export function full(v: unknown): string {
  if (isTensor(v)) return fullTensor(v);
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => (isTensor(x) ? `${k}: ${fullTensor(x)}` : `${k}: ${brief(x)}`))
      .join('\n');
  }
  return brief(v);
}

function fullTensor(t: Tensor): string {
  const head = `Tensor ${t.dtype} shape [${t.shape.join(', ')}]`;
  const json = tensorToJson(t);
  if (t.rank < 2) return `${head}\n${JSON.stringify(json)}`;
  const lines: string[] = [];
  const walk = (x: unknown, depth: number): void => {
    if (depth === t.rank - 1) lines.push('  '.repeat(depth) + JSON.stringify(x));
    else (x as unknown[]).forEach((y) => walk(y, depth + 1));
  };
  walk(json, 0);
  return `${head}\n${lines.join('\n')}`;
}
