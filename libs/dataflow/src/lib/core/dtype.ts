/**
 * Data types and the promotion table.
 *
 * Promotion follows NumPy's lattice restricted to Weir's five dtypes:
 *
 * |          | bool    | uint8   | int32   | float32 | float64 |
 * |----------|---------|---------|---------|---------|---------|
 * | bool     | bool    | uint8   | int32   | float32 | float64 |
 * | uint8    | uint8   | uint8   | int32   | float32 | float64 |
 * | int32    | int32   | int32   | int32   | float32 | float64 |
 * | float32  | float32 | float32 | float32 | float32 | float64 |
 * | float64  | float64 | float64 | float64 | float64 | float64 |
 *
 * (NumPy gives int32 + float32 -> float64; Weir keeps float32, as TensorFlow.js does, because tensors here
 * are float32 by default and a silent widening would double every buffer.)
 *
 * Plain JS numbers and booleans are *weak* (as Python scalars are in NumPy 2 and JAX): they take the dtype
 * of the tensor they meet when they fit its kind. A JS number is a double, like a Python float: it takes a
 * float tensor's dtype, and meeting bool, uint8 or int32 it gives float32, whatever its value (so
 * `intTensor.add(1)` is float32; write `intTensor.add(tensor(1, 'int32'))` to stay in int32). The rule
 * depends on types only, never on values, because graph mode must type a record's number field before it has
 * seen one. A JS boolean takes the other operand's dtype. Weak numbers with no tensor give float64 (`ops.add(x, 1)`
 * on plain numbers computes exactly what `x + 1` does); weak booleans alone give bool.
 */
export type DType = 'float32' | 'float64' | 'int32' | 'uint8' | 'bool';

export const DTYPES: readonly DType[] = ['bool', 'uint8', 'int32', 'float32', 'float64'];

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export type TypedArrayCtor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int32ArrayConstructor
  | Uint8ArrayConstructor;

const CTORS: Record<DType, TypedArrayCtor> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

const RANK: Record<DType, number> = { bool: 0, uint8: 1, int32: 2, float32: 3, float64: 4 };

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(CTORS, x);
}

export function assertDType(x: unknown, where: string): DType {
  if (!isDType(x)) {
    throw new TypeError(`${where}: unknown dtype ${JSON.stringify(x)}; expected one of ${DTYPES.join(', ')}`);
  }
  return x;
}

export function typedArrayFor(dtype: DType): TypedArrayCtor {
  return CTORS[dtype];
}

export function allocate(dtype: DType, size: number): TypedArray {
  return new CTORS[dtype](size);
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function isInt(dtype: DType): boolean {
  return dtype === 'int32' || dtype === 'uint8';
}

/** The dtype two tensors promote to (the table above). */
export function promote(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The dtype a weak JS value takes when it meets a tensor of `strong` dtype (see the module comment). */
export function promoteWeak(strong: DType, value: number | boolean): DType {
  if (typeof value === 'boolean') return strong;
  return isFloat(strong) ? strong : 'float32';
}

/** The dtype of a weak JS value on its own. */
export function weakDType(value: number | boolean): DType {
  return typeof value === 'boolean' ? 'bool' : 'float64';
}

/** Which dtype a typed array holds when no dtype is given. */
export function dtypeOfTypedArray(a: ArrayBufferView): DType | null {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array) return 'uint8';
  return null;
}
