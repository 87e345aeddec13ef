import { DType, promote } from '../../core/dtype';
import { broadcastShapes, Dim, formatShape } from '../../core/shape';
import { argError, registerContract, ValueInfo } from '../contract';
import { dimsEqual, requireDType } from './helpers';

/**
 * matmul(a, b): 2-D, or batched with leading dimensions broadcast (NumPy's matmul). A 1-D `a` is a row
 * vector and a 1-D `b` a column vector, and that dimension is dropped from the result, as in NumPy.
 */
const ACCEPTS: readonly DType[] = ['float32', 'float64', 'int32', 'uint8'];

registerContract({
  name: 'matmul',
  inputs: ['a', 'b'],
  kind: 'matmul',
  infer([a, b]: readonly ValueInfo[]) {
    requireDType('matmul', 'a', a, ACCEPTS);
    requireDType('matmul', 'b', b, ACCEPTS);
    if (a.shape.length === 0) throw argError('matmul', 'a', 'is a scalar; expected rank 1 or more');
    if (b.shape.length === 0) throw argError('matmul', 'b', 'is a scalar; expected rank 1 or more');
    const as = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
    const bs = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
    const k = as[as.length - 1];
    const kb = bs[bs.length - 2];
    if (!dimsEqual(k, kb)) {
      const expected = [...bs.slice(0, -2).map(() => '*'), k === null ? '?' : String(k), '*'];
      throw argError('matmul', 'b', `has shape ${formatShape(b.shape)}; expected [${expected.join(',')}]`);
    }
    const batch = broadcastShapes(as.slice(0, -2), bs.slice(0, -2));
    if (batch === null) {
      throw argError('matmul', 'b', `has batch shape ${formatShape(bs.slice(0, -2))}, which does not broadcast with 'a' batch shape ${formatShape(as.slice(0, -2))}`);
    }
    const shape: Dim[] = [...batch];
    if (a.shape.length > 1) shape.push(as[as.length - 2]);
    if (b.shape.length > 1) shape.push(bs[bs.length - 1]);
    return { dtype: promote(a.dtype, b.dtype), shape };
  },
});
