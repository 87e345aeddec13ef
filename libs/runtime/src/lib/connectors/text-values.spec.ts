import { tensor } from '@weir/dataflow';
import { asRecord, shortestFloat32, toCsvCell, toJsonValue } from './text-values';

describe('text values', () => {
  it('wraps non-records as { value }', () => {
    expect(asRecord({ a: 1 })).toEqual({ a: 1 });
    expect(asRecord(3)).toEqual({ value: 3 });
    const t = tensor([1]);
    expect(asRecord(t)).toEqual({ value: t });
    expect(asRecord([1, 2])).toEqual({ value: [1, 2] });
  });

  it('writes float32 with the fewest digits that read back exactly', () => {
    for (const x of [0.1, 1 / 3, 1e-7, 123456.789, -2.5]) {
      const f = Math.fround(x);
      const s = shortestFloat32(f);
      expect(Math.fround(s)).toBe(f);
      expect(String(s).length).toBeLessThanOrEqual(String(f).length);
    }
    expect(shortestFloat32(Math.fround(0.1))).toBe(0.1);
  });

  it('turns tensors, bigints, NaN and nested values into JSON', () => {
    expect(toJsonValue({ t: tensor([[true, false]]), b: 2n ** 70n + 1n, n: 2n, x: [NaN, -Infinity] })).toEqual({
      t: [[true, false]], b: '1180591620717411303425', n: 2, x: ['NaN', '-Infinity'],
    });
    expect(toJsonValue(tensor(2.5, 'float64'))).toBe(2.5);
  });

  it('quotes CSV cells only when needed', () => {
    expect(toCsvCell('plain')).toBe('plain');
    expect(toCsvCell('a,b')).toBe('"a,b"');
    expect(toCsvCell('say "hi"')).toBe('"say ""hi"""');
    expect(toCsvCell(tensor([1, 2]))).toBe('"[1,2]"');
    expect(toCsvCell(undefined)).toBe('');
  });
});
