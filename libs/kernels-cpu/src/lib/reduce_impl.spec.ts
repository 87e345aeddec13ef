import { argReduceImpl, reduceImpl } from './reduce_impl';

const add = (acc: number, x: number): number => acc + x;

describe('reduceImpl', () => {
  const x = Array.from({ length: 24 }, (_, i) => i); // [2,3,4]

  it('folds the last, first or middle axis', () => {
    expect(Array.from(reduceImpl(x, [2, 3, 4], [2], 0, add))).toEqual([6, 22, 38, 54, 70, 86]);
    expect(Array.from(reduceImpl(x, [2, 3, 4], [0], 0, add))).toEqual(Array.from({ length: 12 }, (_, i) => 2 * i + 12));
    expect(Array.from(reduceImpl(x, [2, 3, 4], [1], 0, add))).toEqual([12, 15, 18, 21, 48, 51, 54, 57]);
  });

  it('folds non-adjacent axes in separate passes', () => {
    // axes 0 and 2 leave axis 1: sums of x[i][j][k] over i, k
    const want = [0, 1, 2].map((j) => [0, 1].reduce((s, i) => s + [0, 1, 2, 3].reduce((t, k) => t + x[i * 12 + j * 4 + k], 0), 0));
    expect(Array.from(reduceImpl(x, [2, 3, 4], [0, 2], 0, add))).toEqual(want);
    expect(Array.from(reduceImpl(x, [2, 3, 4], [0, 1, 2], 0, add))).toEqual([276]);
  });

  it('treats size-1 dimensions as no-ops and empty reduced axes as the initial value', () => {
    expect(Array.from(reduceImpl([1, 2, 3], [1, 3, 1], [0, 2], 0, add))).toEqual([1, 2, 3]);
    expect(Array.from(reduceImpl([], [2, 0], [1], -Infinity, Math.max))).toEqual([-Infinity, -Infinity]);
    expect(Array.from(reduceImpl([], [0, 2], [0], 5, add))).toEqual([5, 5]);
    expect(Array.from(reduceImpl([7], [], [], 0, add))).toEqual([7]);
  });

  it('returns a fresh array even when nothing is reduced', () => {
    const src = Float64Array.of(1, 2);
    const out = reduceImpl(src, [2], [], 0, add);
    expect(out).not.toBe(src);
    expect(Array.from(out)).toEqual([1, 2]);
  });
});

describe('argReduceImpl', () => {
  it('gives the first winning index along the middle axis', () => {
    const out = new Int32Array(3);
    // [outer=1, n=3, inner=3]: columns [1,4,4], [5,2,9], [3,3,3]
    argReduceImpl([1, 5, 3, 4, 2, 3, 4, 9, 3], 1, 3, 3, (v, best) => v > best, out);
    expect(Array.from(out)).toEqual([1, 2, 0]);
  });

  it('overwrites the output per outer block', () => {
    const out = Int32Array.of(9, 9);
    argReduceImpl([3, 1, 0, 8], 2, 2, 1, (v, best) => v < best, out);
    expect(Array.from(out)).toEqual([1, 0]);
  });
});
