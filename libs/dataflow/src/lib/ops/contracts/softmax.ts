import { registerContract, ValueInfo } from '../contract';
import { axisOf, requireDType } from './helpers';

/** softmax(x, axis = -1) and logSoftmax: numerically stable (the max along the axis is subtracted). */
for (const name of ['softmax', 'logSoftmax'] as const) {
  registerContract({
    name,
    inputs: ['x'],
    kind: 'layout',
    infer([x]: readonly ValueInfo[], attrs) {
      requireDType(name, 'x', x, ['float32', 'float64']);
      if (x.shape.length === 0) return { dtype: x.dtype, shape: x.shape, attrs: { axis: 0 } };
      const axis = axisOf(name, 'axis', attrs.axis ?? -1, x.shape.length);
      return { dtype: x.dtype, shape: x.shape, attrs: { axis } };
    },
  });
}
