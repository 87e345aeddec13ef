import { argError, registerContract } from '../contract';
import { attrDType, attrInt, attrInts } from './helpers';

/** Ops that make a tensor from attrs alone. They run at once even while tracing; the result is a constant. */
function checkShape(op: string, shape: number[]): number[] {
  if (shape.some((d) => d < 0)) throw argError(op, 'shape', `is ${JSON.stringify(shape)}; dimensions must be >= 0`);
  return shape;
}

registerContract({
  name: 'eye',
  inputs: [],
  kind: 'creation',
  infer(_, attrs) {
    const n = attrInt('eye', 'n', attrs.n);
    if (n < 0) throw argError('eye', 'n', `is ${n}; expected n >= 0`);
    return { dtype: attrDType('eye', attrs.dtype), shape: [n, n] };
  },
});

for (const name of ['zeros', 'ones', 'fill'] as const) {
  registerContract({
    name,
    inputs: [],
    kind: 'creation',
    infer(_, attrs) {
      if (name === 'fill' && typeof attrs.value !== 'number' && typeof attrs.value !== 'boolean') {
        throw argError('fill', 'value', `is ${JSON.stringify(attrs.value)}; expected a number or boolean`);
      }
      return { dtype: attrDType(name, attrs.dtype), shape: checkShape(name, attrInts(name, 'shape', attrs.shape)) };
    },
  });
}

/** range(start, stop, step = 1): NumPy's arange; the length is ceil((stop - start) / step), at least 0. */
registerContract({
  name: 'range',
  inputs: [],
  kind: 'creation',
  infer(_, attrs) {
    const { start, stop, step } = attrs;
    for (const [k, v] of Object.entries({ start, stop, step })) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw argError('range', k, `is ${typeof v === 'number' ? String(v) : JSON.stringify(v)}; expected a finite number`);
    }
    if (step === 0) throw argError('range', 'step', 'is 0; expected a non-zero step');
    const n = Math.max(0, Math.ceil(((stop as number) - (start as number)) / (step as number)));
    return { dtype: attrDType('range', attrs.dtype), shape: [n] };
  },
});

/** print(label, ...xs): an effect with no output. */
registerContract({
  name: 'print',
  inputs: ['xs'],
  variadic: true,
  kind: 'effect',
  infer() {
    return { dtype: 'bool', shape: [] };
  },
});
