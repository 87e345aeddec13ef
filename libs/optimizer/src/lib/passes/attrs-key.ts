import type { AttrValue, Attrs } from '@weir/dataflow';

function valueKey(v: AttrValue | undefined): string {
  if (v === undefined) return 'u';
  if (typeof v === 'number') return Object.is(v, -0) ? 'n-0' : `n${String(v)}`;
  if (Array.isArray(v)) return `[${v.map(valueKey).join(',')}]`;
  return JSON.stringify(v);
}

/**
 * A canonical text for attrs: keys sorted, undefined values dropped, numbers written so that -0, NaN and the
 * infinities stay distinct. Equal keys mean equal attrs.
 *
 * ```ts
 * attrsKey({ keepDims: false, axis: [1] }) === attrsKey({ axis: [1], keepDims: false }); // true
 * ```
 */
export function attrsKey(attrs: Attrs): string {
  return Object.keys(attrs)
    .filter((k) => attrs[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${valueKey(attrs[k])}`)
    .join(';');
}
