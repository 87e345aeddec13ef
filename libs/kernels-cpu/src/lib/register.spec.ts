import { ALL_OPS, getContract, hasKernel, registeredKernels } from '@weir/dataflow';
import { CPU_KERNELS } from '../index';

describe('CPU kernel registration', () => {
  it('registers a kernel for every op except views and effects, and nothing else', () => {
    const needed = ALL_OPS.filter((op) => !['view', 'effect'].includes(getContract(op).kind));
    expect(needed.filter((op) => !hasKernel('cpu', op))).toEqual([]);
    expect([...registeredKernels('cpu')].sort()).toEqual([...needed].sort());
    expect(Object.keys(CPU_KERNELS).sort()).toEqual([...needed].sort());
  });

  it('registers once however often the package is imported', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(() => require('../index')).not.toThrow();
    expect(registeredKernels('cpu').length).toBe(Object.keys(CPU_KERNELS).length);
  });
});
