import { promote } from '../../core/dtype';
import { broadcastShapes, formatShape } from '../../core/shape';
import { argError, registerContract, ValueInfo } from '../contract';
import { requireDType } from './helpers';

/** where(cond, a, b): a where cond is true, else b; all three broadcast. `a` and `b` promote together. */
registerContract({
  name: 'where',
  inputs: ['condition', 'a', 'b'],
  kind: 'elementwise',
  promote: [1, 2],
  infer([c, a, b]: readonly ValueInfo[]) {
    requireDType('where', 'condition', c, ['bool']);
    const ab = broadcastShapes(a.shape, b.shape);
    if (ab === null) throw argError('where', 'b', `has shape ${formatShape(b.shape)}, which does not broadcast with 'a' of shape ${formatShape(a.shape)}`);
    const shape = broadcastShapes(c.shape, ab);
    if (shape === null) throw argError('where', 'condition', `has shape ${formatShape(c.shape)}, which does not broadcast with ${formatShape(ab)}`);
    return { dtype: promote(a.dtype, b.dtype), shape };
  },
});
