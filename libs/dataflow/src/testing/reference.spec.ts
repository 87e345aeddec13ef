import { Tensor } from '../lib/core/tensor';
import { close, flatValues } from './harness';
import {
  ravel, refBroadcastShape, refElementwise, REF_BINARY, refMatmul, refReduce, refTranspose, unravel,
} from './reference';

// The reference needs no kernels, so it is checked here on hand-worked examples before it judges any backend.
const t = (dtype: Tensor['dtype'], shape: number[], values: number[]): Tensor =>
  new Tensor(dtype, shape, dtype === 'float64' ? Float64Array.from(values) : dtype === 'int32' ? Int32Array.from(values)
    : dtype === 'float32' ? Float32Array.from(values) : Uint8Array.from(values));
const data = (x: Tensor): number[] => Array.from(x.data);

describe('reference implementation', () => {
  it('unravel and ravel are inverse', () => {
    expect(unravel(5, [2, 3])).toEqual([1, 2]);
    expect(ravel([1, 2], [2, 3])).toEqual(5);
    for (let i = 0; i < 24; i++) expect(ravel(unravel(i, [2, 3, 4]), [2, 3, 4])).toBe(i);
  });

  it('broadcasts shapes as NumPy does', () => {
    expect(refBroadcastShape([2, 1], [3])).toEqual([2, 3]);
    expect(refBroadcastShape([], [0, 2])).toEqual([0, 2]);
    expect(refBroadcastShape([2], [3])).toBeNull();
    expect(refBroadcastShape([1, 3], [2, 1], [4, 1, 1])).toEqual([4, 2, 3]);
  });

  it('computes broadcast elementwise ops, storing through the output dtype', () => {
    const r = refElementwise([t('float32', [2, 1], [1, 2]), t('float32', [3], [10, 20, 30])], 'float32', (x, y) => x + y);
    expect(r.shape).toEqual([2, 3]);
    expect(data(r)).toEqual([11, 21, 31, 12, 22, 32]);
    expect(data(refElementwise([t('int32', [1], [200])], 'uint8', (x) => x + 100))).toEqual([44]);
    expect(REF_BINARY.mul(65536, 65536, 'int32')).toBe(0);
    expect(REF_BINARY.maximum(NaN, 1, 'float32')).toBeNaN();
  });

  it('reduces over any axes', () => {
    const x = t('float32', [2, 3], [1, 9, 3, 7, 2, 8]);
    expect(data(refReduce(x, [0], false, 'sum', 'float32'))).toEqual([8, 11, 11]);
    expect(refReduce(x, [1], true, 'max', 'float32').shape).toEqual([2, 1]);
    expect(data(refReduce(x, null, false, 'argmax', 'int32'))).toEqual([1]);
    expect(data(refReduce(x, [1], false, 'argmin', 'int32'))).toEqual([0, 1]);
    expect(data(refReduce(t('float32', [2, 0], []), [1], false, 'max', 'float32'))).toEqual([-Infinity, -Infinity]);
    expect(data(refReduce(t('int32', [2], [2147483647, 1]), null, false, 'sum', 'int32'))).toEqual([-2147483648]);
  });

  it('multiplies matrices by the definition, batched and 1-D', () => {
    const a = t('float32', [2, 2], [1, 2, 3, 4]);
    const b = t('float32', [2, 2], [5, 6, 7, 8]);
    expect(data(refMatmul(a, b, 'float32'))).toEqual([19, 22, 43, 50]);
    const v = refMatmul(t('float32', [2], [1, 1]), b, 'float32');
    expect([v.shape, data(v)]).toEqual([[2], [12, 14]]);
    const batched = refMatmul(t('float32', [2, 1, 2], [1, 0, 0, 1]), b, 'float32');
    expect([batched.shape, data(batched)]).toEqual([[2, 1, 2], [5, 6, 7, 8]]);
  });

  it('transposes by the definition', () => {
    const x = t('int32', [2, 3], [1, 2, 3, 4, 5, 6]);
    expect(data(refTranspose(x, [1, 0]))).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('compares floats with a relative tolerance, NaN only with NaN', () => {
    expect(close(1.000001, 1, 1e-5)).toBe(true);
    expect(close(1.001, 1, 1e-5)).toBe(false);
    expect(close(NaN, NaN, 0)).toBe(true);
    expect(close(Infinity, -Infinity, 1)).toBe(false);
    expect(close(1e-9, 0, 1e-5)).toBe(true);
    expect(flatValues([[true, false], [2, 3]])).toEqual([1, 0, 2, 3]);
  });
});
