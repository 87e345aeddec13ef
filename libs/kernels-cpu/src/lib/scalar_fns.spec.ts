import { floatFloorDiv, floatMod, floatPow, intFloorDiv, intMod, intPow, sigmoid } from './scalar_fns';

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
