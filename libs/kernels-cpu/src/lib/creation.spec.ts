import { Tensor } from '@weir/dataflow';
import { eyeKernel, fillKernel, onesKernel, rangeKernel, zerosKernel } from './creation';

// An executor may hand a kernel a reused buffer, so creation kernels must write every element.
const dirty = (dtype: Tensor['dtype'], shape: number[]): Tensor => {
  const t = new Tensor(dtype, shape, dtype === 'int32' ? new Int32Array(shape.reduce((a, b) => a * b, 1)) : new Float32Array(shape.reduce((a, b) => a * b, 1)));
  t.data.fill(9);
  return t;
};

describe('creation kernels', () => {
  it('overwrite a reused output buffer completely', () => {
    const eye = dirty('float32', [2, 2]);
    eyeKernel({ inputs: [], attrs: { n: 2 }, out: eye });
    expect(Array.from(eye.data)).toEqual([1, 0, 0, 1]);
    const zeros = dirty('int32', [3]);
    zerosKernel({ inputs: [], attrs: {}, out: zeros });
    expect(Array.from(zeros.data)).toEqual([0, 0, 0]);
    const ones = dirty('float32', [2]);
    onesKernel({ inputs: [], attrs: {}, out: ones });
    expect(Array.from(ones.data)).toEqual([1, 1]);
  });

  it('fill stores a number into bool as value != 0; range computes start + i * step', () => {
    const b = new Tensor('bool', [2], new Uint8Array(2));
    fillKernel({ inputs: [], attrs: { value: 0.5 }, out: b });
    expect(Array.from(b.data)).toEqual([1, 1]);
    const r = new Tensor('float64', [4], new Float64Array(4));
    rangeKernel({ inputs: [], attrs: { start: 0, step: 0.1 }, out: r });
    expect(Array.from(r.data)).toEqual([0, 0.1, 0.2, 0.1 * 3]);
    const flags = new Tensor('bool', [3], new Uint8Array(3));
    rangeKernel({ inputs: [], attrs: { start: -1, step: 0.5 }, out: flags });
    expect(Array.from(flags.data)).toEqual([1, 1, 0]);
  });
});
