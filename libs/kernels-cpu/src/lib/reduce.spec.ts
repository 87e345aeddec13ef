import { Tensor } from '@weir/dataflow';
import { argReduceKernel, reduceKernel } from './reduce';

describe('reduce kernels', () => {
  it('keep an int32 sum exact modulo 2^32 past 2^53, where a double accumulator would drop low bits', () => {
    // 2^22 + 5 copies of 2^31 - 1 sum to about 2^53 + 2^33: beyond the last exact double integer.
    const n = 2 ** 22 + 5;
    const x = new Tensor('int32', [n], new Int32Array(n).fill(2147483647));
    const out = new Tensor('int32', [], new Int32Array(1));
    reduceKernel('sum')({ inputs: [x], attrs: { axes: [0], keepDims: false }, out });
    expect(out.data[0]).toBe(Number(BigInt.asIntN(32, BigInt(n) * 2147483647n)));
  });

  it('writes every output element of a reused buffer; mean divides by the reduced count', () => {
    const x = new Tensor('float32', [2, 2], Float32Array.of(1, 2, 3, 5));
    const out = new Tensor('float32', [2], Float32Array.of(9, 9));
    reduceKernel('mean')({ inputs: [x], attrs: { axes: [1], keepDims: false }, out });
    expect(Array.from(out.data)).toEqual([1.5, 4]);
  });

  it('argmax of a scalar writes index 0 even into a reused buffer', () => {
    const out = new Tensor('int32', [], Int32Array.of(7));
    argReduceKernel('argmax')({ inputs: [new Tensor('float32', [], Float32Array.of(3))], attrs: { axes: [], keepDims: false }, out });
    expect(out.data[0]).toBe(0);
  });
});
