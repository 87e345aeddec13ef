/**
 * LEB128, the variable-length integer encoding of the WebAssembly binary format (spec 5.2.2): seven bits a
 * byte, low bits first, the top bit set on every byte but the last.
 *
 * ```ts
 * unsignedLeb128(624485); // [0xe5, 0x8e, 0x26]
 * ```
 */
export function unsignedLeb128(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`unsignedLeb128: ${value} is not a u32`);
  const out: number[] = [];
  let v = value;
  do {
    const byte = v % 128;
    v = Math.floor(v / 128);
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return out;
}

/**
 * Signed LEB128 for the operands of `i32.const` (spec 5.2.2): stops once the remaining bits are all copies
 * of the sign bit of the last byte written.
 *
 * ```ts
 * signedLeb128(-123456); // [0xc0, 0xbb, 0x78]
 * ```
 */
export function signedLeb128(value: number): number[] {
  if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) throw new RangeError(`signedLeb128: ${value} is not an i32`);
  const out: number[] = [];
  let v = value;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7; // arithmetic shift keeps the sign
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}
