/** How answers are compared: null when they agree, otherwise what differs. */
import type { Answer } from './harness';

const values = (a: Answer): Answer[] => (Array.isArray(a) ? a : [a]);

/** Integer answers: equal element by element; names the first difference. */
export function compareExact(expected: Answer, got: Answer): string | null {
  const e = values(expected);
  const g = values(got);
  if (e.length !== g.length) return `${g.length} values, expected ${e.length}`;
  const i = e.findIndex((v, k) => v !== g[k]);
  return i < 0 ? null : `element ${i} is ${JSON.stringify(g[i])}, expected ${JSON.stringify(e[i])}`;
}

/** Float answers: |got - expected| <= rtol * max(|expected|, 1), element by element. */
export function compareClose(rtol: number): (expected: Answer, got: Answer) => string | null {
  return (expected, got) => {
    const e = values(expected);
    const g = values(got);
    if (e.length !== g.length) return `${g.length} values, expected ${e.length}`;
    for (let i = 0; i < e.length; i++) {
      const a = e[i];
      const b = g[i];
      if (typeof a !== 'number' || typeof b !== 'number') return `element ${i} is ${JSON.stringify(b)}, expected a number near ${JSON.stringify(a)}`;
      const err = Math.abs(a - b) / Math.max(Math.abs(a), 1);
      if (!(err <= rtol)) return `element ${i} is ${b}, expected ${a} (relative error ${err.toExponential(2)} > ${rtol})`;
    }
    return null;
  };
}
