import { runOp, tensor, Tensor } from '@weir/dataflow';
import type { AttrValue } from '@weir/dataflow';
import './register';
import { fusedReduceRuns } from './fused-reduce-runs';
import { NotANumberInRun } from './not-a-number-in-run';

describe('fusedReduceRuns: a full fusedReduce over runs of plain JS arrays, read in place', () => {
  const program: AttrValue = [['input', 'float64', 0], ['const', 'float64', 2], ['mul', 'float64', 0, 1], ['input', 'float64', 1], ['sub', 'float64', 2, 3]];
  const a = Array.from({ length: 40 }, (_, i) => (i * 7) % 13 - 6);
  const b = Array.from({ length: 40 }, (_, i) => i / 4);

  it.each(['sum', 'max', 'min'])('%s from an offset equals the kernel on the same values copied out', (reduce) => {
    const got = fusedReduceRuns({ program, dtype: 'float64', reduce }, [a, b], 5, 30, 'float64');
    const x = tensor(Float64Array.from(a.slice(5, 35)), 'float64', [30]);
    const y = tensor(Float64Array.from(b.slice(5, 35)), 'float64', [30]);
    const want = runOp('fusedReduce', [x, y], { program, dtype: 'float64', reduce, axis: null }) as Tensor;
    expect(got?.dtype).toBe('float64');
    expect(got?.item()).toBe(want.item());
  });

  it('leaves folds of fewer than two values to the kernels (their rules for one value and none)', () => {
    expect(fusedReduceRuns({ program, dtype: 'float64', reduce: 'sum' }, [a, b], 0, 1, 'float64')).toBeNull();
  });

  it('unchecked, gives the checked answer over numbers, and throws NotANumberInRun at the first value that is not one', () => {
    const checked = fusedReduceRuns({ program, dtype: 'float64', reduce: 'sum' }, [a, b], 5, 30, 'float64');
    expect(fusedReduceRuns({ program, dtype: 'float64', reduce: 'sum' }, [a, b], 5, 30, 'float64', false)?.item()).toBe(checked?.item());
    for (const bad of ['7', undefined, null, true, {}]) {
      const withBad: unknown[] = [...b];
      withBad[12] = bad;
      const call = () => fusedReduceRuns({ program, dtype: 'float64', reduce: 'max' }, [a, withBad as number[]], 5, 30, 'float64', false);
      expect(call).toThrow(NotANumberInRun);
      expect(call).toThrow('element 12 of the source array is not a number');
    }
    // Outside the run it is not read.
    const lateBad: unknown[] = [...b];
    lateBad[39] = 'late';
    expect(fusedReduceRuns({ program, dtype: 'float64', reduce: 'sum' }, [a, lateBad as number[]], 5, 30, 'float64', false)?.item()).toBe(checked?.item());
  });
});
