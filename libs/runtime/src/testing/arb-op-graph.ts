import fc from 'fast-check';
import { DTYPES, tensor } from '@weir/dataflow';
import type { DType } from '@weir/dataflow';
import { buildProgram, BuildOptions, Step } from './build-program';
import { formatProgram, OpProgram, ProgramInput } from './op-program';

/** Which kinds of input a generated program declares. */
export type InputKind = ProgramInput['kind'];

export interface ArbOpGraphOptions extends BuildOptions {
  /** At most this many op steps (default 8). */
  readonly maxSteps?: number;
  readonly inputKinds?: readonly InputKind[];
  /** Names of the declared inputs (default x0, x1, ...). */
  readonly names?: readonly string[];
}

/** Shapes: rank 0 to 3, dimensions 1 to 4, now and then 0 (an empty tensor). */
export const arbShape: fc.Arbitrary<number[]> = fc.array(
  fc.oneof({ arbitrary: fc.integer({ min: 1, max: 4 }), weight: 14 }, { arbitrary: fc.constant(0), weight: 1 }),
  { maxLength: 3 },
);

export const arbDType: fc.Arbitrary<DType> = fc.constantFrom(...(['float32', ...DTYPES.filter((d) => d !== 'float32')] as DType[]));

/** One declared input of one of `kinds` (tensors most often). */
export function arbInput(name: string, kinds: readonly InputKind[] = ['tensor', 'number', 'boolean']): fc.Arbitrary<ProgramInput> {
  const tensorArb = fc.record({ dtype: arbDType, shape: arbShape }).map((r): ProgramInput => ({ name, kind: 'tensor', ...r }));
  const choices = kinds.map((k) =>
    k === 'tensor' ? { arbitrary: tensorArb, weight: 8 } : { arbitrary: fc.constant<ProgramInput>({ name, kind: k }), weight: 1 },
  );
  return fc.oneof(...choices);
}

/** One step of the program builder: six choices (see build-program.ts). */
export const arbStep: fc.Arbitrary<Step> = fc.tuple(...Array.from({ length: 6 }, () => fc.nat({ max: 999 })));

/**
 * Random op graphs (see build-program.ts for what they cover) as OpPrograms that print as code.
 *
 * ```ts
 * fc.assert(fc.property(arbOpGraph(), (p) => { programFunction(p)(ops, ...inputsFromPool(p.inputs, [1, 2], 0)); }));
 * ```
 */
export function arbOpGraph(options: ArbOpGraphOptions = {}): fc.Arbitrary<OpProgram> {
  const count = options.names?.length;
  const names = (i: number) => options.names?.[i] ?? `x${i}`;
  const inputs = fc
    .integer({ min: 1, max: count ?? 3 })
    .chain((n) => fc.tuple(...Array.from({ length: count ?? n }, (_, i) => arbInput(names(i), options.inputKinds))));
  const steps = fc.array(arbStep, { minLength: 1, maxLength: options.maxSteps ?? 8 });
  return fc.tuple(inputs, steps).map(([decl, st]) => withToString(buildProgram(decl, st, options), (p) => formatProgram(p)));
}

/** The values tensor data is drawn from: small integers, fractions, and a few special values. */
export const arbPool: fc.Arbitrary<number[]> = fc.array(
  fc.oneof(
    { arbitrary: fc.integer({ min: -9, max: 9 }), weight: 5 },
    { arbitrary: fc.double({ min: -4, max: 4, noNaN: true }), weight: 5 },
    { arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 250, 1e6, 0.1), weight: 1 },
  ),
  { minLength: 1, maxLength: 32 },
);

/**
 * Concrete inputs for a program: tensor elements, numbers and booleans are taken from `pool` in turn,
 * starting at `offset` (so record i of a stream can use offset i). Integer dtypes truncate and wrap as typed
 * arrays do; bool is `value != 0`.
 */
export function inputsFromPool(inputs: readonly ProgramInput[], pool: readonly number[], offset: number): unknown[] {
  const at = (k: number) => pool[((k % pool.length) + pool.length) % pool.length];
  return inputs.map((inp, i) => {
    const start = offset + 3 * i;
    if (inp.kind === 'number') return at(start);
    if (inp.kind === 'boolean') return at(start) > 0;
    const size = inp.shape.reduce((p, d) => p * d, 1);
    const values = Array.from({ length: size }, (_, j) => at(start + j));
    return tensor(inp.dtype === 'float32' || inp.dtype === 'float64' ? values : values.map(finiteTrunc), inp.dtype, inp.shape);
  });
}

function finiteTrunc(x: number): number {
  return Number.isFinite(x) ? Math.trunc(x) : 0;
}

/** Gives `value` a toString for fast-check's counterexample report (not an enumerable field: JSON stays clean). */
export function withToString<T extends object>(value: T, show: (v: T) => string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => show(value), enumerable: false });
  return value;
}
