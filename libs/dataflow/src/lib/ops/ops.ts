import { DType } from '../core/dtype';
import { formatShape } from '../core/shape';
import { installMethods } from '../core/methods';
import { isTensor, Tensor } from '../core/tensor';
import { isSymbolic, OpArg, runEffect, runOp } from './engine';
import type { Attrs } from './contract';
import './contracts';

/** What every op accepts: a Tensor (or tracer), or a plain number or boolean (weak, see dtype.ts). */
export type TensorLike = Tensor | number | boolean;
type Axis = number | number[] | null | undefined;

const call = (name: string, args: readonly TensorLike[], attrs?: Attrs): Tensor =>
  runOp(name, args as readonly OpArg[], attrs) as Tensor;
const unary = (name: string) => (x: TensorLike): Tensor => call(name, [x]);
const binary = (name: string) => (a: TensorLike, b: TensorLike): Tensor => call(name, [a, b]);
const reduce = (name: string) => (x: TensorLike, axis?: Axis, keepDims = false): Tensor =>
  call(name, [x], { axis: axis ?? null, keepDims });
const argReduce = (name: string) => (x: TensorLike, axis?: number): Tensor => call(name, [x], { axis: axis ?? null, keepDims: false });

let sink: (line: string) => void = (line) => console.log(line);

/** Where `ops.print` writes (console.log by default). Returns the previous sink. */
export function setPrintSink(next: (line: string) => void): (line: string) => void {
  const prev = sink;
  sink = next;
  return prev;
}

/** The current print sink (graph interpreters call it for print nodes). */
export function printSink(): (line: string) => void {
  return sink;
}

export function formatPrint(label: string, xs: readonly Tensor[]): string {
  return [label, ...xs.map((x) => x.toString())].join(' ');
}

type Structure = Tensor | number | boolean | readonly Structure[] | { readonly [k: string]: Structure };

function zipStructure(a: Structure, b: Structure, f: (x: TensorLike, y: TensorLike, path: string) => Tensor, path = 'result'): Structure {
  const leaf = (v: Structure) => isTensor(v) || isSymbolic(v) || typeof v === 'number' || typeof v === 'boolean';
  if (leaf(a) && leaf(b)) return f(a as TensorLike, b as TensorLike, path);
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.map((x, i) => zipStructure(x, b[i], f, `${path}[${i}]`));
  if (typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b) && a !== null && b !== null) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join() === kb.join()) {
      return Object.fromEntries(ka.map((k) => [k, zipStructure((a as any)[k], (b as any)[k], f, `${path}.${k}`)]));
    }
  }
  throw new Error(`'cond': the two branches return different structures at ${path}; both must return the same fields`);
}

/**
 * Traced `cond` selects between its branches' values with `where`, which would promote two dtypes (or
 * broadcast two shapes) into a value neither branch gives; eager mode returns the chosen branch's value as it
 * is. So, as tf.cond does, two tensors in the same place must agree in dtype and shape (a plain number or
 * boolean adapts to the other side, as everywhere).
 */
function sameTypeInBranches(x: TensorLike, y: TensorLike, path: string): void {
  const info = (v: TensorLike) => (isTensor(v) || isSymbolic(v) ? (v as { dtype: string; shape: readonly (number | null)[] }) : null);
  const a = info(x);
  const b = info(y);
  if (a === null || b === null) return;
  // An unknown dimension (null) may be either size: only sizes known on both sides can disagree.
  const differ = (d: number | null, e: number | null) => d !== null && e !== null && d !== e;
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length || a.shape.some((d, i) => differ(d, b.shape[i]))) {
    const show = (t: { dtype: string; shape: readonly (number | null)[] }) => `${t.dtype}${formatShape(t.shape)}`;
    throw new Error(`'cond': the branches give ${show(a)} and ${show(b)} at ${path}; both must give the same dtype and shape (cast one of them)`);
  }
}

/**
 * The op library. Every function accepts Tensors or plain numbers/booleans, broadcasts as NumPy, and names
 * the op and the argument in its errors. Called on tracers, the same calls record graph nodes.
 *
 * ```ts
 * ops.add(tensor([1, 2]), 1).toArray();          // [2, 3]
 * ops.matmul(tensor([[1, 2]]), tensor([[3], [4]])); // [[11]]
 * ```
 */
export const ops = {
  neg: unary('neg'), abs: unary('abs'), sign: unary('sign'), exp: unary('exp'), log: unary('log'),
  sqrt: unary('sqrt'), square: unary('square'), relu: unary('relu'), sigmoid: unary('sigmoid'),
  tanh: unary('tanh'), logicalNot: unary('logicalNot'),
  add: binary('add'), sub: binary('sub'), mul: binary('mul'), div: binary('div'), mod: binary('mod'),
  floorDiv: binary('floorDiv'), pow: binary('pow'), maximum: binary('maximum'), minimum: binary('minimum'),
  greater: binary('greater'), greaterEqual: binary('greaterEqual'), less: binary('less'),
  lessEqual: binary('lessEqual'), equal: binary('equal'), notEqual: binary('notEqual'),
  logicalAnd: binary('logicalAnd'), logicalOr: binary('logicalOr'),
  where: (condition: TensorLike, a: TensorLike, b: TensorLike): Tensor => call('where', [condition, a, b]),
  cast: (x: TensorLike, dtype: DType): Tensor => call('cast', [x], { dtype }),
  sum: reduce('sum'), mean: reduce('mean'), max: reduce('max'), min: reduce('min'),
  argmax: argReduce('argmax'), argmin: argReduce('argmin'),
  matmul: binary('matmul'),
  transpose: (x: TensorLike, perm?: number[]): Tensor => call('transpose', [x], { perm: perm ?? null }),
  reshape: (x: TensorLike, shape: number[]): Tensor => call('reshape', [x], { shape }),
  concat: (xs: TensorLike[], axis = 0): Tensor => call('concat', xs, { axis }),
  stack: (xs: TensorLike[], axis = 0): Tensor => call('stack', xs, { axis }),
  slice: (x: TensorLike, begin: number[], size: number[]): Tensor => call('slice', [x], { begin, size }),
  // A plain number index means an int32 index (it is outside the promotion set, so it would be float64).
  gather: (x: TensorLike, indices: TensorLike, axis = 0): Tensor =>
    call('gather', [x, typeof indices === 'number' ? new Tensor('int32', [], Int32Array.of(indices)) : indices], { axis }),
  expandDims: (x: TensorLike, axis: number): Tensor => call('expandDims', [x], { axis }),
  squeeze: (x: TensorLike, axis?: number | number[]): Tensor => call('squeeze', [x], { axis: axis ?? null }),
  softmax: (x: TensorLike, axis = -1): Tensor => call('softmax', [x], { axis }),
  logSoftmax: (x: TensorLike, axis = -1): Tensor => call('logSoftmax', [x], { axis }),
  eye: (n: number, dtype: DType = 'float32'): Tensor => call('eye', [], { n, dtype }),
  zeros: (shape: number[], dtype: DType = 'float32'): Tensor => call('zeros', [], { shape, dtype }),
  ones: (shape: number[], dtype: DType = 'float32'): Tensor => call('ones', [], { shape, dtype }),
  fill: (shape: number[], value: number | boolean, dtype?: DType): Tensor =>
    call('fill', [], { shape, value, dtype: dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32') }),
  range: (start: number, stop: number, step = 1, dtype: DType = 'float32'): Tensor =>
    call('range', [], { start, stop, step, dtype }),

  /**
   * Runs `thenFn()` or `elseFn()` by a scalar predicate. Eager: only the chosen branch runs. Traced: both
   * branches are traced and the results selected with `where`, so both must return the same structure.
   */
  cond<R extends Structure>(pred: TensorLike, thenFn: () => R, elseFn: () => R): R {
    if (isSymbolic(pred)) {
      const a = thenFn();
      const b = elseFn();
      return zipStructure(a, b, (x, y, path) => {
        sameTypeInBranches(x, y, path);
        return ops.where(pred, x, y);
      }) as R;
    }
    const p = isTensor(pred) ? pred.item() : pred;
    return p ? thenFn() : elseFn();
  },

  /** Prints `label` and the tensors every time it runs, eager or graph (unlike console.log in a traced fn). */
  print(label: string, ...xs: TensorLike[]): void {
    runEffect('print', xs as OpArg[], { label }, (ts) => sink(formatPrint(label, ts)));
  },
};

export type Ops = typeof ops;

installMethods(Tensor.prototype, ops as unknown as Record<string, (...args: any[]) => unknown>);
