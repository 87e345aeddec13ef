import { registerContract, ValueInfo } from '../contract';
import { attrDType } from './helpers';

/** cast(x, dtype): floats to ints truncate toward zero (NaN gives 0); anything to bool is `x != 0`. */
registerContract({
  name: 'cast',
  inputs: ['x'],
  kind: 'elementwise',
  infer([x]: readonly ValueInfo[], attrs) {
    return { dtype: attrDType('cast', attrs.dtype), shape: x.shape };
  },
});
