import { mulberry32 } from '@weir/dataflow';
import { floatFloorDiv, floatMod, floatPow, intFloorDiv, intMod, intPow, sigmoid } from './scalar_fns';

/** NumPy's npy_divmod written out with fmod (`%`) only: what the int32 fast paths must agree with. */
function fmodDivmod(a: number, b: number): [number, number] {
  if (b === 0) return [a / b, NaN];
  let mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0) {
    if (b < 0 !== mod < 0) {
      mod += b;
      div -= 1;
    }
  } else mod = b < 0 ? -0 : 0;
  if (div === 0) return [a / b < 0 || Object.is(a / b, -0) ? -0 : 0, mod];
  let floored = Math.floor(div);
  if (div - floored > 0.5) floored += 1;
  return [floored, mod];
}

const INT_MIN = -(2 ** 31);

describe('scalar_fns', () => {
  it("floatFloorDiv and floatMod follow NumPy's divmod", () => {
    const cases: [number, number, number, number][] = [
      [7, 2, 3, 1], [-7, 2, -4, 1], [7, -2, -4, -1], [-7, -2, 3, -1], [5.5, 2, 2, 1.5], [-0.5, 1, -1, 0.5],
      [1, Infinity, 0, 1], [-1, Infinity, -1, Infinity], [Infinity, 2, NaN, NaN], [1, 0, Infinity, NaN], [0, 0, NaN, NaN],
    ];
    for (const [a, b, div, mod] of cases) {
      expect([a, b, floatFloorDiv(a, b), floatMod(a, b)]).toEqual([a, b, div, mod]);
    }
    // Where (a - mod) / b rounds just below the integer quotient, NumPy snaps it back up (as Python's // does).
    expect([floatFloorDiv(-36.9, -6.1), floatFloorDiv(42.8, -0.8), floatFloorDiv(8.56, 0.023)]).toEqual([6, -54, 372]);
    // Zero results carry the sign NumPy gives them.
    expect(Object.is(floatMod(4, -2), -0)).toBe(true);
    expect(Object.is(floatFloorDiv(-0.0, 3), -0)).toBe(true);
  });

  describe('the int32 fast paths of floatMod and floatFloorDiv', () => {
    const same = (a: number, b: number): void => {
      const [div, mod] = fmodDivmod(a, b);
      expect([a, b, floatFloorDiv(a, b), floatMod(a, b)]).toEqual([a, b, div, mod]);
      // toEqual tells -0 from 0; say so explicitly where it matters.
      expect([Object.is(floatFloorDiv(a, b), div), Object.is(floatMod(a, b), mod)]).toEqual([true, true]);
    };

    it.each([
      ['signed zeros', [[-0, 3], [0, -3], [-0, -3], [6, 3], [-6, 3], [6, -3], [-6, -3], [0, 1], [-0, 1]]],
      ['negative divisors', [[7, -2], [-7, -2], [1, -3], [-1, -3], [5, -5], [2147483647, -2], [-5, -2147483648]]],
      ['INT_MIN and 2^31', [[INT_MIN, -1], [INT_MIN, 1], [INT_MIN, INT_MIN], [INT_MIN, 3], [2 ** 31, 3], [2 ** 31, -1], [3, 2 ** 31], [-3, 2 ** 31], [2 ** 31 - 1, INT_MIN]]],
      ['zero divisors', [[5, 0], [-5, 0], [0, 0], [5, -0], [-0, -0], [INT_MIN, 0]]],
      ['NaN and infinities', [[NaN, 3], [3, NaN], [Infinity, 3], [-Infinity, -3], [3, Infinity], [-3, Infinity], [3, -Infinity], [-0, Infinity], [Infinity, Infinity]]],
      ['non-integers', [[5.5, 2], [-5.5, 2], [7, 2.5], [-7, -2.5], [0.1, 3], [1e300, 7], [-1e-300, 7], [4294967297, 3]]],
    ] as [string, [number, number][]][])('agree with fmod-based divmod on %s', (_, cases) => {
      for (const [a, b] of cases) same(a, b);
    });

    it('floatMod(INT_MIN, -1) is -0 and floatFloorDiv(INT_MIN, -1) is 2^31 (no int32 overflow)', () => {
      expect(Object.is(floatMod(INT_MIN, -1), -0)).toBe(true);
      expect(floatFloorDiv(INT_MIN, -1)).toBe(2 ** 31);
    });

    it('agree with fmod-based divmod on random int32 pairs, small and large', () => {
      const r = mulberry32(7);
      const int = (): number => (r() < 0.5 ? Math.floor(r() * 41) - 20 : (Math.floor(r() * 2 ** 32) | 0));
      for (let k = 0; k < 20000; k++) {
        const a = int();
        const b = int();
        const [div, mod] = fmodDivmod(a, b);
        if (!Object.is(floatFloorDiv(a, b), div) || !Object.is(floatMod(a, b), mod)) same(a, b);
      }
    });
  });

  it('intFloorDiv and intMod floor, and give 0 for a zero divisor', () => {
    expect([intFloorDiv(-7, 2), intMod(-7, 2), intFloorDiv(7, -2), intMod(7, -2)]).toEqual([-4, 1, -4, -1]);
    expect([intFloorDiv(5, 0), intMod(5, 0)]).toEqual([0, 0]);
    expect(intFloorDiv(-2147483648, -1)).toBe(2147483648); // the int32 store wraps it to -2^31, as NumPy does
  });

  it('floatPow uses C rules where JS differs', () => {
    expect([floatPow(1, NaN), floatPow(1, Infinity), floatPow(-1, -Infinity), floatPow(NaN, 0), floatPow(2, 0.5)]).toEqual([1, 1, 1, 1, Math.SQRT2]);
  });

  it('intPow wraps like repeated int32 multiplication', () => {
    expect(intPow(3, 40)).toBe(Number(BigInt.asIntN(32, 3n ** 40n)));
    expect(intPow(-2, 31)).toBe(-2147483648);
    expect([intPow(7, 0), intPow(2, -1), intPow(-1, -3), intPow(1, -5)]).toEqual([1, 0, -1, 1]);
  });

  it('sigmoid does not overflow either way', () => {
    expect([sigmoid(-1000), sigmoid(1000), sigmoid(0)]).toEqual([0, 1, 0.5]);
    expect(sigmoid(NaN)).toBeNaN();
  });
});
