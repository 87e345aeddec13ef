import { broadcastBinaryImpl, broadcastOffsets, broadcastStrides, broadcastTernaryImpl, coalesce } from './broadcast_impl';

const add = (x: number, y: number): number => x + y;

/** Broadcast by nested indices, as the oracle for the strided loop. */
function naive(a: number[], as: number[], b: number[], bs: number[], out: number[]): number[] {
  const n = out.reduce((p, d) => p * d, 1);
  const read = (v: number[], s: number[], idx: number[]): number => {
    const lead = out.length - s.length;
    let flat = 0;
    s.forEach((d, i) => (flat = flat * d + (d === 1 ? 0 : idx[lead + i])));
    return v[flat];
  };
  return Array.from({ length: n }, (_, i) => {
    const idx: number[] = [];
    let rest = i;
    for (let d = out.length - 1; d >= 0; d--) {
      idx[d] = rest % out[d];
      rest = Math.floor(rest / out[d]);
    }
    return read(a, as, idx) * 100 + read(b, bs, idx);
  });
}

describe('broadcast_impl', () => {
  it('broadcastStrides gives 0 for broadcast and missing dimensions', () => {
    expect(broadcastStrides([3, 1], [2, 3, 4])).toEqual([0, 1, 0]);
    expect(broadcastStrides([2, 3], [2, 3])).toEqual([3, 1]);
    expect(broadcastStrides([], [2])).toEqual([0]);
  });

  it('coalesce merges dimensions walked contiguously by every operand and drops size-1 ones', () => {
    expect(coalesce([4, 5, 6], [[30, 6, 1], [0, 6, 1]])).toEqual({ shape: [4, 30], strides: [[30, 1], [0, 1]] });
    expect(coalesce([2, 1, 3], [[3, 0, 1]])).toEqual({ shape: [6], strides: [[1]] });
    expect(coalesce([2, 3], [[1, 2]])).toEqual({ shape: [2, 3], strides: [[1, 2]] });
  });

  const cases: [number[], number[], number[]][] = [
    [[2, 3], [3], [2, 3]],
    [[2, 1], [1, 3], [2, 3]],
    [[3, 1, 2], [4, 1], [3, 4, 2]],
    [[1], [2, 2], [2, 2]],
    [[2, 1, 3, 1], [1, 4, 1, 5], [2, 4, 3, 5]],
    [[4, 5, 6], [5, 6], [4, 5, 6]],
  ];
  it.each(cases)('the strided loop matches nested indexing for %j with %j', (as, bs, out) => {
    const a = Array.from({ length: as.reduce((p, d) => p * d, 1) }, (_, i) => i + 1);
    const b = Array.from({ length: bs.reduce((p, d) => p * d, 1) }, (_, i) => i + 1);
    const dst = new Float64Array(out.reduce((p, d) => p * d, 1));
    broadcastBinaryImpl(a, as, b, bs, dst, out, (x, y) => x * 100 + y);
    expect(Array.from(dst)).toEqual(naive(a, as, b, bs, out));
  });

  it('takes the flat paths for same-size and scalar operands', () => {
    const out = new Int32Array(3);
    broadcastBinaryImpl([1, 2, 3], [3], [10, 20, 30], [1, 3], out, [1, 3], add);
    expect(Array.from(out)).toEqual([11, 22, 33]);
    broadcastBinaryImpl([5], [], [1, 2, 3], [3], out, [3], add);
    expect(Array.from(out)).toEqual([6, 7, 8]);
    broadcastBinaryImpl([1, 2, 3], [3], [5], [1], out, [3], add);
    expect(Array.from(out)).toEqual([6, 7, 8]);
  });

  it('does nothing for an empty output', () => {
    const out = new Float32Array(0);
    expect(() => broadcastBinaryImpl([], [0, 3], [1, 2, 3], [3], out, [0, 3], add)).not.toThrow();
  });

  it('broadcastTernaryImpl selects across three broadcast operands', () => {
    const out = new Float32Array(6);
    broadcastTernaryImpl([1, 0], [2, 1], [1, 2, 3], [3], [-1], [], out, [2, 3], (c, x, y) => (c ? x : y));
    expect(Array.from(out)).toEqual([1, 2, 3, -1, -1, -1]);
  });

  it('broadcastOffsets maps each output position to its source element', () => {
    expect(Array.from(broadcastOffsets([2, 1], [2, 3]))).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(broadcastOffsets([], [2, 2]))).toEqual([0, 0, 0, 0]);
    expect(Array.from(broadcastOffsets([3], [2, 3]))).toEqual([0, 1, 2, 0, 1, 2]);
  });
});
