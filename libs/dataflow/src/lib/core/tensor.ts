import { allocate, assertDType, DType, dtypeOfTypedArray, TypedArray } from './dtype';
import { formatShape, Shape, sizeOf } from './shape';
import type { TensorMethods } from './methods';

/** Nested JS arrays of numbers or booleans, as `toArray()` returns and `tensor()` accepts. */
export type NestedArray = number | boolean | NestedArray[];

/**
 * An immutable n-dimensional array: a dtype, a shape, and a contiguous row-major typed array.
 * bool tensors store 0/1 in a Uint8Array. Chainable methods (`t.add(u)`, `t.sum()`) mirror `ops`.
 *
 * ```ts
 * const t = tensor([[1, 2], [3, 4]]);
 * t.shape;            // [2, 2]
 * t.add(1).toArray(); // [[2, 3], [4, 5]]
 * ```
 */
// Declaration merging with the TensorMethods interface below is how the op methods get their types.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Tensor {
  readonly rank: number;
  readonly size: number;

  /** Use `tensor()`; this constructor trusts its arguments (kernels call it with fresh buffers). */
  constructor(
    readonly dtype: DType,
    readonly shape: Shape,
    readonly data: TypedArray,
  ) {
    this.rank = shape.length;
    this.size = data.length;
    Object.freeze(shape);
  }

  toArray(): NestedArray {
    const bool = this.dtype === 'bool';
    const read = (i: number): number | boolean => (bool ? this.data[i] !== 0 : this.data[i]);
    if (this.rank === 0) return read(0);
    let offset = 0;
    const build = (dim: number): NestedArray[] => {
      const n = this.shape[dim];
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = dim === this.rank - 1 ? read(offset++) : build(dim + 1);
      return out;
    };
    return build(0);
  }

  item(): number | boolean {
    if (this.size !== 1) {
      throw new Error(`item() needs a tensor with exactly one element; this one has shape ${formatShape(this.shape)}`);
    }
    return this.dtype === 'bool' ? this.data[0] !== 0 : this.data[0];
  }

  toString(): string {
    const body = JSON.stringify(this.toArray());
    return `Tensor(${this.dtype}, ${formatShape(this.shape)}, ${body.length > 200 ? body.slice(0, 200) + '...' : body})`;
  }

  /** Lets Jest and console.log show a tensor by its values. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

// The op methods are installed on the prototype by ops/methods-install.ts (it needs the ops, which need
// Tensor); this merge gives them their types.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface Tensor extends TensorMethods<Tensor> {}

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/**
 * Makes a tensor from a number, a boolean, nested arrays of them, or a typed array.
 *
 * ```ts
 * tensor(3);                                   // float32 scalar
 * tensor([[1, 2], [3, 4]], 'int32');           // int32 [2,2]
 * tensor(new Float32Array(6), 'float32', [2, 3]);
 * ```
 */
export function tensor(values: NestedArray | ArrayBufferView | Tensor, dtype?: DType, shape?: readonly number[]): Tensor {
  if (dtype !== undefined) assertDType(dtype, "Argument 'dtype' passed to 'tensor'");
  if (values instanceof Tensor) return dtype === undefined || dtype === values.dtype ? values : castCopy(values, dtype);
  if (ArrayBuffer.isView(values)) return fromTypedArray(values, dtype, shape);
  const inferred = inferShape(values);
  const flat: (number | boolean)[] = [];
  flatten(values, flat);
  const dt = dtype ?? (flat.length > 0 && typeof flat[0] === 'boolean' ? 'bool' : 'float32');
  const target = shape ?? inferred;
  checkShape(target, 'tensor');
  if (sizeOf(target) !== flat.length) {
    throw new Error(
      `Argument 'shape' passed to 'tensor' is ${formatShape(target)} (${sizeOf(target)} elements), ` +
        `but 'values' has ${flat.length} elements`,
    );
  }
  const data = allocate(dt, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v === 'boolean') data[i] = v ? 1 : 0;
    else if (typeof v === 'number') data[i] = dt === 'bool' ? (v !== 0 ? 1 : 0) : v;
    else throw new TypeError(`Argument 'values' passed to 'tensor' has a ${typeof v} at flat index ${i}; expected numbers or booleans`);
  }
  return new Tensor(dt, [...target], data);
}

function castCopy(t: Tensor, dtype: DType): Tensor {
  const data = allocate(dtype, t.size);
  if (dtype === 'bool') for (let i = 0; i < t.size; i++) data[i] = t.data[i] !== 0 ? 1 : 0;
  else data.set(t.data);
  return new Tensor(dtype, t.shape, data);
}

function fromTypedArray(values: ArrayBufferView, dtype: DType | undefined, shape: readonly number[] | undefined): Tensor {
  const own = dtypeOfTypedArray(values);
  if (own === null) {
    throw new TypeError(
      `Argument 'values' passed to 'tensor' is a ${values.constructor.name}; expected Float32Array, Float64Array, Int32Array or Uint8Array`,
    );
  }
  const arr = values as TypedArray;
  const dt = dtype ?? own;
  const target = shape ?? [arr.length];
  checkShape(target, 'tensor');
  if (sizeOf(target) !== arr.length) {
    throw new Error(
      `Argument 'values' passed to 'tensor' has length ${arr.length}, but shape ${formatShape(target)} needs ${sizeOf(target)} elements`,
    );
  }
  // Same storage type: share the buffer (zero-copy); tensors are immutable, so callers must not write to it.
  const sameStorage = (dt === own) || (dt === 'bool' && own === 'uint8');
  return sameStorage ? new Tensor(dt, [...target], arr) : castCopy(new Tensor(own, [...target], arr), dt);
}

function checkShape(shape: readonly number[], op: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new Error(`Argument 'shape' passed to '${op}' is ${JSON.stringify(shape)}; dimensions must be non-negative integers`);
    }
  }
}

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  checkRagged(values, shape, 0, []);
  return shape;
}

function checkRagged(v: NestedArray, shape: number[], dim: number, path: number[]): void {
  const where = path.length ? `element [${path.join('][')}]` : 'the outer array';
  if (dim === shape.length) {
    if (Array.isArray(v)) {
      throw new Error(`Argument 'values' passed to 'tensor' is ragged: ${where} is an array; expected a number or boolean`);
    }
    return;
  }
  if (!Array.isArray(v)) {
    throw new Error(`Argument 'values' passed to 'tensor' is ragged: ${where} is a ${typeof v}; expected an array of length ${shape[dim]}`);
  }
  if (v.length !== shape[dim]) {
    throw new Error(`Argument 'values' passed to 'tensor' is ragged: ${where} has length ${v.length}; expected ${shape[dim]}`);
  }
  for (let i = 0; i < v.length; i++) checkRagged(v[i], shape, dim + 1, [...path, i]);
}

function flatten(v: NestedArray, out: (number | boolean)[]): void {
  if (Array.isArray(v)) for (const x of v) flatten(x, out);
  else out.push(v);
}
