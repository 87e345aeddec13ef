import { DType } from '../../core/dtype';
import { Dim } from '../../core/shape';
import { argError, OpContract, registerContract, ValueInfo } from '../contract';
import { ReduceOp, REDUCE_OPS } from '../op-names';
import { axesOf, requireDType } from './helpers';

/**
 * Reductions over `axis` (a number, a list, or null for all) with `keepDims`.
 * sum of bool/uint8/int32 gives int32; mean of an integer dtype gives float32; max/min keep the dtype;
 * argmax/argmin take one axis (or the flattened tensor when none) and give int32. Reducing an empty axis:
 * sum 0, mean NaN, max -Infinity, min Infinity (NumPy raises for max/min; a stream engine prefers a value).
 * argmax/argmin of an empty axis is an error.
 */
const NUMERIC: readonly DType[] = ['float32', 'float64', 'int32', 'uint8', 'bool'];
const OUT: Record<ReduceOp, (d: DType) => DType> = {
  sum: (d) => (d === 'float32' || d === 'float64' ? d : 'int32'),
  mean: (d) => (d === 'float64' ? 'float64' : 'float32'),
  max: (d) => d,
  min: (d) => d,
  argmax: () => 'int32',
  argmin: () => 'int32',
};

for (const name of REDUCE_OPS) {
  const isArg = name === 'argmax' || name === 'argmin';
  const contract: OpContract = {
    name,
    inputs: ['x'],
    kind: 'reduction',
    infer([x]: readonly ValueInfo[], attrs) {
      requireDType(name, 'x', x, NUMERIC);
      if (isArg && Array.isArray(attrs.axis)) throw argError(name, 'axis', 'must be a single axis or omitted');
      const axes = axesOf(name, attrs.axis, x.shape.length);
      const keepDims = attrs.keepDims === true;
      if (isArg && x.shape.length > 0 && axes.some((a) => x.shape[a] === 0)) {
        throw argError(name, 'x', 'has an empty axis; argmax/argmin need at least one element');
      }
      const shape: Dim[] = [];
      x.shape.forEach((d, i) => {
        if (!axes.includes(i)) shape.push(d);
        else if (keepDims) shape.push(1);
      });
      return { dtype: OUT[name](x.dtype), shape, attrs: { axes, keepDims } };
    },
  };
  registerContract(contract);
}
