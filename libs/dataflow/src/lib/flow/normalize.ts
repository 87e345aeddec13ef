import { formatShape } from '../core/shape';
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
  if (isPlainObject(value)) {
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

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * A filter predicate's answer, the same in both modes: a JS value by its truthiness, a one-element tensor by
 * its value. A larger tensor is ambiguous (all? any?), so it is an error rather than a guess.
 */
export function predicateValue(x: unknown): boolean {
  if (!isTensor(x)) return Boolean(x);
  if (x.size !== 1) {
    throw new TypeError(
      `the predicate returned a ${x.dtype} tensor of shape ${formatShape(x.shape)}; expected a boolean or a tensor with one element (reduce it first: ops.min(x) for all, ops.max(x) for any)`,
    );
  }
  return x.data[0] !== 0;
}
