/** What a formatted finite magnitude may look like: digits, an optional fraction and exponent. Nothing else. */
const MAGNITUDE = /^[0-9]+(\.[0-9]+)?(e[+-][0-9]+)?$/;

/**
 * A number as JavaScript source that evaluates to exactly that number (NaN, ±Infinity and -0 included), for
 * the JIT. Anything that is not a number is an error, so no string from a program can reach generated code
 * through a constant; the output is checked against a digits-only pattern as well.
 *
 * ```ts
 * formatNumber(-1.5);    // '(-1.5)'
 * formatNumber(-0);      // '(-0)'
 * formatNumber('1;x()'); // throws TypeError
 * ```
 */
export function formatNumber(v: unknown): string {
  if (typeof v !== 'number') throw new TypeError(`The JIT formats numbers only; got ${typeof v}`);
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '(-Infinity)';
  if (Object.is(v, -0)) return '(-0)';
  // String() gives the shortest text that reads back as the same double.
  const magnitude = String(Math.abs(v));
  if (!MAGNITUDE.test(magnitude)) throw new TypeError(`The JIT cannot format the number ${magnitude}`);
  return v < 0 ? `(-${magnitude})` : magnitude;
}
