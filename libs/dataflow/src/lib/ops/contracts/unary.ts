import { DType, isFloat } from '../../core/dtype';
import { OpContract, registerContract, ValueInfo } from '../contract';
import { UnaryOp, UNARY_OPS } from '../op-names';
import { requireDType } from './helpers';

/**
 * Elementwise unary ops as a table: accepted dtypes and the output dtype rule.
 * Transcendental ops on integers compute in float32 (NumPy gives float64; see dtype.ts for why float32).
 */
const NUMERIC: readonly DType[] = ['float32', 'float64', 'int32', 'uint8'];
const toFloat = (d: DType): DType => (isFloat(d) ? d : 'float32');
const same = (d: DType): DType => d;

const TABLE: Record<UnaryOp, { accepts: readonly DType[]; out: (d: DType) => DType }> = {
  neg: { accepts: NUMERIC, out: same },
  abs: { accepts: NUMERIC, out: same },
  sign: { accepts: NUMERIC, out: same },
  exp: { accepts: NUMERIC, out: toFloat },
  log: { accepts: NUMERIC, out: toFloat },
  sqrt: { accepts: NUMERIC, out: toFloat },
  square: { accepts: NUMERIC, out: same },
  relu: { accepts: NUMERIC, out: same },
  sigmoid: { accepts: NUMERIC, out: toFloat },
  tanh: { accepts: NUMERIC, out: toFloat },
  logicalNot: { accepts: ['bool'], out: () => 'bool' },
};

export function unaryOutDType(op: UnaryOp, d: DType): DType {
  return TABLE[op].out(d);
}

for (const name of UNARY_OPS) {
  const rule = TABLE[name];
  const contract: OpContract = {
    name,
    inputs: ['x'],
    kind: 'elementwise',
    infer([x]: readonly ValueInfo[]) {
      requireDType(name, 'x', x, rule.accepts);
      return { dtype: rule.out(x.dtype), shape: x.shape };
    },
  };
  registerContract(contract);
}
