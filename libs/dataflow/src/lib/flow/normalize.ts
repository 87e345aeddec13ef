import { isTensor, Tensor } from '../core/tensor';

/**
 * What a stage emits, normalized the same way in eager and graph mode: a rank-0 Tensor, returned directly or
 * as a top-level field of a plain-object record, becomes a plain JS number (a boolean for bool). Graph mode
 * stores such values as scalar columns, which read back as numbers; eager mode must agree.
 *
 * ```ts
 * normalizeElement(tensor(3));               // 3
 * normalizeElement({ y: tensor(true, 'bool') }); // { y: true }
 * ```
 */
export function normalizeElement<T>(value: T): T {
  if (isTensor(value)) return scalarOf(value) as T;
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    let out: Record<string, unknown> | null = null;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (isTensor(v) && v.rank === 0) {
        out ??= { ...(value as Record<string, unknown>) };
        out[k] = scalarOf(v);
      }
    }
    return (out ?? value) as T;
  }
  return value;
}

function scalarOf(t: Tensor): unknown {
  if (t.rank !== 0) return t;
  return t.dtype === 'bool' ? t.data[0] !== 0 : t.data[0];
}
