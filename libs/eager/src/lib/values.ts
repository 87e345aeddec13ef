import { isTensor, normalizeElement, predicateValue } from '@weir/dataflow';

/** What a callback's result becomes as a stream element: the rule both modes share (normalizeElement). */
export const toElement = normalizeElement;

/** A filter predicate's answer (the rule both modes share). */
export { predicateValue };

/** Keys compare by SameValueZero (Map keys); a scalar tensor key compares by its value, not its identity. */
export function toKey(k: unknown): unknown {
  return isTensor(k) && k.rank === 0 ? k.item() : k;
}
