import { DType, promote } from '../../core/dtype';
import { broadcastShapes } from '../../core/shape';
import { argError, describe, OpContract, registerContract, ValueInfo } from '../contract';
import { BinaryOp, BINARY_OPS } from '../op-names';
import { requireDType } from './helpers';

/**
 * Elementwise binary ops as a table. Inputs promote by the table in dtype.ts; `out` maps the promoted dtype
 * to the output dtype. `div` is true division (ints give float32); `floorDiv` and `mod` floor, as NumPy:
 * mod's result takes the divisor's sign. Integer division or mod by zero gives 0 (NumPy warns and gives 0).
 */
const NUMERIC: readonly DType[] = ['float32', 'float64', 'int32', 'uint8', 'bool'];
const same = (d: DType): DType => d;
const toFloat = (d: DType): DType => (d === 'float64' ? 'float64' : 'float32');
const toBool = (): DType => 'bool';
const noBool = (d: DType): DType => (d === 'bool' ? 'int32' : d);

const TABLE: Record<BinaryOp, { accepts: readonly DType[]; out: (d: DType) => DType }> = {
  add: { accepts: NUMERIC, out: noBool },
  sub: { accepts: NUMERIC, out: noBool },
  mul: { accepts: NUMERIC, out: noBool },
  div: { accepts: NUMERIC, out: toFloat },
  mod: { accepts: NUMERIC, out: noBool },
  floorDiv: { accepts: NUMERIC, out: noBool },
  pow: { accepts: NUMERIC, out: noBool },
  maximum: { accepts: NUMERIC, out: same },
  minimum: { accepts: NUMERIC, out: same },
  greater: { accepts: NUMERIC, out: toBool },
  greaterEqual: { accepts: NUMERIC, out: toBool },
  less: { accepts: NUMERIC, out: toBool },
  lessEqual: { accepts: NUMERIC, out: toBool },
  equal: { accepts: NUMERIC, out: toBool },
  notEqual: { accepts: NUMERIC, out: toBool },
  logicalAnd: { accepts: ['bool'], out: toBool },
  logicalOr: { accepts: ['bool'], out: toBool },
};

export function binaryOutDType(op: BinaryOp, a: DType, b: DType): DType {
  return TABLE[op].out(promote(a, b));
}

for (const name of BINARY_OPS) {
  const rule = TABLE[name];
  const contract: OpContract = {
    name,
    inputs: ['a', 'b'],
    kind: 'elementwise',
    infer([a, b]: readonly ValueInfo[]) {
      requireDType(name, 'a', a, rule.accepts);
      requireDType(name, 'b', b, rule.accepts);
      const shape = broadcastShapes(a.shape, b.shape);
      if (shape === null) {
        throw argError(name, 'b', `has shape ${describe(b).split(' ')[1]}, which does not broadcast with 'a' of shape ${describe(a).split(' ')[1]}`);
      }
      return { dtype: rule.out(promote(a.dtype, b.dtype)), shape };
    },
  };
  registerContract(contract);
}
