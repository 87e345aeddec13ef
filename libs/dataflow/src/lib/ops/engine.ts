import { allocate, DType, promote, promoteWeak, weakDType } from '../core/dtype';
import { formatShape, Shape, sizeOf } from '../core/shape';
import { Tensor } from '../core/tensor';
import { Attrs, getContract, Inferred, OpError, ValueInfo } from './contract';
import { getKernel } from './kernel-registry';

/**
 * Op dispatch: the one place that decides what an op call means.
 * - All inputs concrete: infer the output, allocate it, run the backend's kernel (eager).
 * - Any input symbolic (a tracer): hand the call to that tracer's recorder, which adds a node (graph).
 * That is what lets one user function run eagerly or be traced.
 */
export const SYMBOLIC: unique symbol = Symbol.for('weir.symbolic') as any;

/** Records op calls on symbolic values; implemented by the tracer (trace/). */
export interface Recorder {
  record(op: string, inputs: readonly Operand[], attrs: Attrs, out: ValueInfo): Symbolic;
  effect(op: string, inputs: readonly Operand[], attrs: Attrs): void;
}

/** A tracer as the dispatcher sees it. `weak`: stands for a plain JS number field (see dtype.ts). */
export interface Symbolic extends ValueInfo {
  readonly [SYMBOLIC]: Recorder;
  readonly weak: boolean;
}

export type Operand = Tensor | Symbolic;
export type OpArg = Operand | number | boolean;

export function isSymbolic(x: unknown): x is Symbolic {
  return typeof x === 'object' && x !== null && SYMBOLIC in x;
}

let backend = 'cpu';

/** The backend whose kernels eager op calls run. */
export function setBackend(name: string): void {
  backend = name;
}
export function getBackend(): string {
  return backend;
}

/** The recorder of the innermost trace in progress, so effects with no symbolic input are still recorded. */
const traceStack: Recorder[] = [];
export function pushRecorder(r: Recorder): void {
  traceStack.push(r);
}
export function popRecorder(): void {
  traceStack.pop();
}
export function activeRecorder(): Recorder | undefined {
  return traceStack[traceStack.length - 1];
}

/** Runs (or records) op `name` on `args`. Plain numbers and booleans are weak (dtype.ts). */
export function runOp(name: string, args: readonly OpArg[], attrs: Attrs = {}): Tensor | Symbolic {
  const contract = getContract(name);
  const operands = resolveOperands(name, args, contract.promote ?? 'all');
  const recorder = recorderOf(operands);
  const inferred: Inferred = contract.infer(operands, attrs);
  const out: ValueInfo = { dtype: inferred.dtype, shape: inferred.shape };
  // A recorder keeps the attrs as written (they re-infer when a saved graph is loaded); kernels get them
  // normalized.
  if (recorder !== undefined) return recorder.record(name, operands, attrs, out);
  return execute(name, contract.kind, operands as Tensor[], inferred.attrs ?? attrs, out);
}

/** Runs an effect op (ops.print): recorded when tracing, run at once otherwise. */
export function runEffect(name: string, args: readonly OpArg[], attrs: Attrs, runNow: (xs: Tensor[]) => void): void {
  const operands = resolveOperands(name, args, []);
  const recorder = recorderOf(operands) ?? activeRecorder();
  if (recorder !== undefined) recorder.effect(name, operands, attrs);
  else runNow(operands as Tensor[]);
}

/**
 * Runs a kernel on concrete tensors with an already-inferred output. Also used by graph interpreters, which
 * inferred everything when the graph was built.
 */
export function execute(name: string, kind: string, inputs: readonly Tensor[], attrs: Attrs, out: ValueInfo): Tensor {
  const shape = out.shape as Shape;
  if (kind === 'view') {
    const src = inputs[0];
    if (sizeOf(shape) !== src.size) {
      throw new OpError(name, `'${name}' cannot view ${src.size} elements as shape ${formatShape(shape)}`);
    }
    return new Tensor(out.dtype, shape, src.data);
  }
  const result = new Tensor(out.dtype, shape, allocate(out.dtype, sizeOf(shape)));
  getKernel(backend, name)({ inputs, attrs, out: result });
  return result;
}

function recorderOf(operands: readonly Operand[]): Recorder | undefined {
  for (const x of operands) if (isSymbolic(x)) return x[SYMBOLIC];
  return undefined;
}

/**
 * Gives plain JS numbers and booleans, and weak tracers (a record's number or boolean field), the dtype the
 * promotion rule assigns them (dtype.ts); strong tensors pass unchanged (kernels promote while computing).
 */
function resolveOperands(name: string, args: readonly OpArg[], promoteSet: 'all' | readonly number[]): Operand[] {
  // Plain loops, no closures: this runs on every eager op call, and the CLI runs under tsx, whose esbuild
  // output wraps each closure created in a naming helper (measured: ~2x the CPU time of eager mode).
  const all = promoteSet === 'all';
  let strong: DType | null = null;
  let anyWeakNumber = false;
  for (let i = 0; i < args.length; i++) {
    if (!all && !promoteSet.includes(i)) continue;
    const a = args[i];
    if (typeof a === 'number') anyWeakNumber = true;
    else if (typeof a === 'boolean') continue;
    else if (a instanceof Tensor) strong = strong === null ? a.dtype : promote(strong, a.dtype);
    else if (isSymbolic(a)) {
      if (!a.weak) strong = strong === null ? a.dtype : promote(strong, a.dtype);
      else if (a.dtype !== 'bool') anyWeakNumber = true;
    } else {
      throw new TypeError(`Argument ${i} passed to '${name}' is ${describeJs(a)}; expected a Tensor, a number or a boolean`);
    }
  }
  const out: Operand[] = new Array(args.length);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const inSet = all || promoteSet.includes(i);
    if (typeof a === 'number' || typeof a === 'boolean') {
      out[i] = scalar(a, inSet ? weakTarget(strong, anyWeakNumber, typeof a === 'boolean') : weakDType(a));
    } else if (inSet && name !== 'cast' && isSymbolic(a) && a.weak) {
      // An explicit cast takes its input as it is (and the cast inserted here must not recurse).
      const dt = weakTarget(strong, anyWeakNumber, a.dtype === 'bool');
      out[i] = dt === a.dtype ? a : (runOp('cast', [a], { dtype: dt }) as Symbolic);
    } else out[i] = a as Operand;
  }
  return out;
}

/**
 * The dtype a weak value gets (dtype.ts): a number or a boolean meeting the strongest tensor, or, among weak
 * values only, float64 if any is a number, else bool.
 */
function weakTarget(strong: DType | null, anyWeakNumber: boolean, isBool: boolean): DType {
  if (strong !== null) return promoteWeak(strong, isBool ? true : 0.5);
  return anyWeakNumber || !isBool ? 'float64' : 'bool';
}

export function scalar(value: number | boolean, dtype: DType): Tensor {
  const data = allocate(dtype, 1);
  data[0] = typeof value === 'boolean' ? (value ? 1 : 0) : dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
  return new Tensor(dtype, [], data);
}

function describeJs(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'a JS array (wrap it with tensor())';
  if (typeof x === 'object') return `a ${(x as object).constructor?.name ?? 'object'}`;
  return `a ${typeof x}`;
}
