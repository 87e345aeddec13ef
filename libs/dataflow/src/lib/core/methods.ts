import type { DType } from './dtype';

type Arg<T> = T | number | boolean;

/**
 * The chainable methods of a Tensor, which a tracer has too (so user code runs on either). Each is the op
 * of the same name with `this` as the first argument.
 */
export interface TensorMethods<T> {
  add(b: Arg<T>): T;
  sub(b: Arg<T>): T;
  mul(b: Arg<T>): T;
  div(b: Arg<T>): T;
  mod(b: Arg<T>): T;
  floorDiv(b: Arg<T>): T;
  pow(b: Arg<T>): T;
  maximum(b: Arg<T>): T;
  minimum(b: Arg<T>): T;
  greater(b: Arg<T>): T;
  greaterEqual(b: Arg<T>): T;
  less(b: Arg<T>): T;
  lessEqual(b: Arg<T>): T;
  equal(b: Arg<T>): T;
  notEqual(b: Arg<T>): T;
  logicalAnd(b: Arg<T>): T;
  logicalOr(b: Arg<T>): T;
  neg(): T;
  abs(): T;
  sign(): T;
  exp(): T;
  log(): T;
  sqrt(): T;
  square(): T;
  relu(): T;
  sigmoid(): T;
  tanh(): T;
  logicalNot(): T;
  cast(dtype: DType): T;
  sum(axis?: number | number[] | null, keepDims?: boolean): T;
  mean(axis?: number | number[] | null, keepDims?: boolean): T;
  max(axis?: number | number[] | null, keepDims?: boolean): T;
  min(axis?: number | number[] | null, keepDims?: boolean): T;
  argmax(axis?: number): T;
  argmin(axis?: number): T;
  matmul(b: T): T;
  transpose(perm?: number[]): T;
  reshape(shape: number[]): T;
  slice(begin: number[], size: number[]): T;
  gather(indices: Arg<T>, axis?: number): T;
  expandDims(axis: number): T;
  squeeze(axis?: number | number[]): T;
  softmax(axis?: number): T;
  logSoftmax(axis?: number): T;
}

export const METHOD_NAMES: readonly (keyof TensorMethods<unknown>)[] = [
  'add', 'sub', 'mul', 'div', 'mod', 'floorDiv', 'pow', 'maximum', 'minimum', 'greater', 'greaterEqual',
  'less', 'lessEqual', 'equal', 'notEqual', 'logicalAnd', 'logicalOr', 'neg', 'abs', 'sign', 'exp', 'log',
  'sqrt', 'square', 'relu', 'sigmoid', 'tanh', 'logicalNot', 'cast', 'sum', 'mean', 'max', 'min', 'argmax',
  'argmin', 'matmul', 'transpose', 'reshape', 'slice', 'gather', 'expandDims', 'squeeze', 'softmax', 'logSoftmax',
];

/** Installs the methods on a prototype, each forwarding to the op of the same name. */
export function installMethods(proto: object, ops: Record<string, (...args: any[]) => unknown>): void {
  for (const name of METHOD_NAMES) {
    const op = ops[name];
    Object.defineProperty(proto, name, {
      value: function (this: unknown, ...args: unknown[]) {
        return op(this, ...args);
      },
      writable: true,
      configurable: true,
    });
  }
}
