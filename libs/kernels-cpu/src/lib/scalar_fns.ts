/**
 * Scalar semantics shared by the elementwise kernels (and, later, the JIT, which inlines them).
 *
 * Kernels compute in JS numbers and store into the output's typed array, so integer wrap-around comes from
 * the store (Int32Array/Uint8Array wrap modulo 2^32/2^8, as NumPy's fixed-width integers do). The helpers
 * here cover the cases where the double-precision intermediate would already be wrong or where NumPy's
 * rule differs from JS's: products past 2^53, flooring division, and `pow` edge cases.
 */

/**
 * NumPy's `divmod` for floats (npy_divmod): the quotient is floored and the remainder takes the divisor's
 * sign. Division by zero gives `a / b` (±Infinity or NaN) for the quotient and NaN for the remainder.
 *
 * ```ts
 * floatFloorDiv(-7, 2); // -4
 * floatMod(-7, 2);      // 1
 * floatMod(7, -2);      // -1
 * ```
 */
export function floatFloorDiv(a: number, b: number): number {
  // int32-valued operands (-0 included; b = ±0 excluded): a / b is correctly rounded and, for |a|, |b| < 2^31,
  // never rounds across an integer (a non-integer quotient is at least 1/|b| from one, the error below
  // 2^-22/|b|), so flooring it is exact, and it keeps the zero's sign as below (floor(-0) is -0). This skips
  // the `%` below, which V8 runs as a call to C's fmod (about 10 ns).
  if ((a | 0) === a && (b | 0) === b && b !== 0) return Math.floor(a / b);
  if (b === 0) return a / b;
  const mod = a % b; // JS `%` is C's fmod: truncated, with the dividend's sign
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div === 0) {
    const q = a / b; // a zero quotient takes the sign of the true quotient (copysign in NumPy)
    return q < 0 || Object.is(q, -0) ? -0 : 0;
  }
  let floored = Math.floor(div);
  // (a - mod) / b is an integer up to rounding; snap to the nearest one as NumPy does
  if (div - floored > 0.5) floored += 1;
  return floored;
}

/** NumPy's float remainder: the result has the divisor's sign (see {@link floatFloorDiv}). */
export function floatMod(a: number, b: number): number {
  // int32-valued operands (-0 and -2^31 included; b = ±0, NaN, ±Infinity and 2^31 fail the test): the same
  // remainder in integer arithmetic, which V8 compiles to an integer modulo (a multiply for a constant
  // divisor) instead of a call to C's fmod. `| 0` makes a -0 remainder 0 (and -2^31 % -1 is 0), so V8 need
  // not check for -0; a zero remainder takes the divisor's sign, as below.
  if ((a | 0) === a && (b | 0) === b && b !== 0) {
    const r = ((a | 0) % (b | 0)) | 0;
    if (r === 0) return b < 0 ? -0 : 0;
    return r < 0 !== b < 0 ? r + b : r;
  }
  if (b === 0) return NaN;
  let mod = a % b;
  if (mod !== 0) {
    if (b < 0 !== mod < 0) mod += b;
  } else {
    mod = b < 0 ? -0 : 0;
  }
  return mod;
}

/** Integer floor division; division by zero gives 0 (NumPy warns and gives 0). `intFloorDiv(-7, 2) === -4` */
export function intFloorDiv(a: number, b: number): number {
  // For |a|, |b| < 2^31 the double quotient cannot round across an integer, so floor is exact.
  return b === 0 ? 0 : Math.floor(a / b);
}

/** Integer remainder with the divisor's sign; by zero gives 0. `intMod(-7, 2) === 1` */
export function intMod(a: number, b: number): number {
  if (b === 0) return 0;
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/**
 * Float power with C's rules where JS differs: `pow(1, y)` is 1 for every y (NaN too) and `pow(-1, ±Infinity)`
 * is 1; JS's Math.pow gives NaN for both. `floatPow(1, NaN) === 1`
 */
export function floatPow(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

/**
 * Integer power modulo 2^32 (exponentiation by squaring with Math.imul), so large results wrap as NumPy's
 * int32 does instead of losing precision in a double. A negative exponent gives the truncated real result
 * (0, or ±1 for a base of ±1); NumPy raises there, and a stream engine prefers a value.
 *
 * ```ts
 * intPow(3, 4);  // 81
 * intPow(3, 40); // 3^40 wrapped to int32
 * ```
 */
export function intPow(x: number, y: number): number {
  if (y < 0) {
    if (x === 1) return 1;
    if (x === -1) return y % 2 === 0 ? 1 : -1;
    return 0;
  }
  let result = 1;
  let base = x | 0;
  let e = y;
  while (e > 0) {
    if (e & 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
    e = Math.floor(e / 2);
  }
  return result;
}

/**
 * The logistic function. `exp(-x)` overflowing to Infinity for very negative x is harmless here: 1 / Infinity
 * is exactly 0, and in doubles the result is as accurate as the "stable" two-branch form.
 * `sigmoid(0) === 0.5`
 */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * max(x, 0) with NaN kept and -0 made 0, without a branch on the sign (the JIT's template RELU, which says
 * why): `relu(-3) === 0`, `relu(-0)` is +0, `relu(NaN)` is NaN.
 */
export function relu(x: number): number {
  return Math.abs(x) <= 8e307 ? (x + Math.abs(x)) * 0.5 : x > 0 ? x : x !== x ? x : 0;
}
