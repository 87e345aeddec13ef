import { signedLeb128, unsignedLeb128 } from './leb128';

describe('unsignedLeb128', () => {
  it.each([
    [0, [0x00]], [1, [0x01]], [127, [0x7f]], [128, [0x80, 0x01]], [624485, [0xe5, 0x8e, 0x26]], [0xffffffff, [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('encodes %i as the spec does', (value, bytes) => {
    expect(unsignedLeb128(value)).toEqual(bytes);
  });

  it('rejects what is not a u32', () => {
    expect(() => unsignedLeb128(-1)).toThrow('unsignedLeb128: -1 is not a u32');
    expect(() => unsignedLeb128(2 ** 32)).toThrow(RangeError);
    expect(() => unsignedLeb128(1.5)).toThrow(RangeError);
  });
});

describe('signedLeb128', () => {
  it.each([
    [0, [0x00]], [63, [0x3f]], [64, [0xc0, 0x00]], [-1, [0x7f]], [-64, [0x40]], [-65, [0xbf, 0x7f]], [-123456, [0xc0, 0xbb, 0x78]],
    [2147483647, [0xff, 0xff, 0xff, 0xff, 0x07]], [-2147483648, [0x80, 0x80, 0x80, 0x80, 0x78]],
  ])('encodes %i as the spec does', (value, bytes) => {
    expect(signedLeb128(value)).toEqual(bytes);
  });

  it('rejects what is not an i32', () => {
    expect(() => signedLeb128(2 ** 31)).toThrow('signedLeb128: 2147483648 is not an i32');
  });
});
