import { formatNumber } from './number-format';

describe('formatNumber', () => {
  it.each([0, -0, 1, -1, 0.1, -2.5e-8, 1e21, 5e-324, Number.MAX_VALUE, -Number.MIN_VALUE, NaN, Infinity, -Infinity, 2 ** 31 - 1, Math.fround(0.1)])(
    'writes %p as source that evaluates to exactly it',
    (v) => {
      const text = formatNumber(v);
      expect(Object.is(new Function(`return ${text};`)(), v)).toBe(true);
    },
  );

  it('wraps negative numbers in parentheses, so x - (-1) cannot become x --1', () => {
    expect(formatNumber(-1)).toBe('(-1)');
    expect(formatNumber(-0)).toBe('(-0)');
  });

  it.each(['1; globalThis.pwned = 1', '1', {}, null, 1n, [1]])('refuses %p: only numbers are formatted', (v) => {
    expect(() => formatNumber(v)).toThrow(TypeError);
  });
});
