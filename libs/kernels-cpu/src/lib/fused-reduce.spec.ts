import { allocate, mulberry32, OpError, runOp, Tensor, tensor } from '@weir/dataflow';
import type { AttrValue, DType } from '@weir/dataflow';
import './register';
import { fusedReduceKernel } from './fused-reduce';
import { reduceLayout } from './fused-reduce_impl';
import { jitCompileCount } from './jit/compile';
import * as fusedModule from './jit/fused';

type Reduce = 'sum' | 'max' | 'min';
const fusedReduce = (xs: Tensor[], program: AttrValue[], dtype: DType, reduce: Reduce, axis: number | number[] | null = null, keepDims = false): Tensor =>
  runOp('fusedReduce', xs, { program, dtype, reduce, axis, keepDims }) as Tensor;
/** What fusedReduce must equal: the fused kernel, then the reduction kernel. */
const unfused = (xs: Tensor[], program: AttrValue[], dtype: DType, reduce: Reduce, axis: number | number[] | null = null, keepDims = false): Tensor =>
  runOp(reduce, [runOp('fused', xs, { program, dtype }) as Tensor], { axis, keepDims }) as Tensor;

function expectIdentical(a: Tensor, b: Tensor): void {
  expect([a.dtype, a.shape]).toEqual([b.dtype, b.shape]);
  const bad = Array.from(b.data).findIndex((v, i) => !Object.is(v, a.data[i]));
  if (bad >= 0) throw new Error(`element ${bad} is ${a.data[bad]}, expected ${b.data[bad]}`);
}

const FLOATS = [NaN, Infinity, -Infinity, -0, 0, 1, -1, 0.5, 1e30, -1e-30, 3, 7];
const INTS = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 65536, 46341, 123456789, -987654321, -7];

/** `specialRate` of the elements from FLOATS / INTS; the rest small values. */
function randomTensor(r: () => number, dtype: DType, shape: number[], specialRate = 0.3): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = allocate(dtype, size);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  for (let i = 0; i < size; i++) {
    const special = r() < specialRate;
    if (dtype === 'bool') data[i] = r() < 0.5 ? 1 : 0;
    else if (dtype === 'uint8') data[i] = Math.floor(r() * 256);
    else if (dtype === 'int32') data[i] = special ? pick(INTS) : Math.floor(r() * 41) - 20;
    else data[i] = special ? pick(FLOATS) : Math.round((r() * 20 - 10) * 8) / 8;
  }
  return new Tensor(dtype, shape, data);
}

/** Programs of two inputs, one per result dtype, each with a rounding or wrapping hazard. */
const PROGRAMS: [string, DType, DType, AttrValue[]][] = [
  ['float32 relu(a * 2 + b)', 'float32', 'float32',
    [['input', 'float32', 0], ['const', 'float32', 2], ['mul', 'float32', 0, 1], ['input', 'float32', 1], ['add', 'float32', 2, 3], ['relu', 'float32', 4]]],
  ['float64 masked a mod 3', 'float64', 'float64',
    [['input', 'float64', 0], ['const', 'float64', 3], ['mod', 'float64', 0, 1], ['const', 'float64', 0], ['notEqual', 'bool', 2, 3],
      ['input', 'float64', 1], ['add', 'float64', 0, 5], ['where', 'float64', 4, 6, 3]]],
  ['int32 a * b (wraps)', 'int32', 'int32', [['input', 'int32', 0], ['input', 'int32', 1], ['mul', 'int32', 0, 1]]],
  ['uint8 a + b (wraps)', 'uint8', 'uint8', [['input', 'uint8', 0], ['input', 'uint8', 1], ['add', 'uint8', 0, 1]]],
  ['bool a > b', 'float32', 'bool', [['input', 'float32', 0], ['input', 'float32', 1], ['greater', 'bool', 0, 1]]],
];

describe('the fusedReduce kernel', () => {
  describe('reduceLayout: which reductions the generated loop runs', () => {
    it.each([
      ['a full reduction of a vector (the hot case)', [10], [0], [[10]], { outer: 1, m: 10, kinds: 'f' }],
      ['the last axis, with a bias over it', [8, 64], [1], [[8, 64], [64]], { outer: 8, m: 64, kinds: 'fv' }],
      ['one value per row and a scalar', [8, 64], [1], [[8, 1], [], [1, 64]], { outer: 8, m: 64, kinds: 'rsv' }],
      ['trailing axes, after dropping size-1 ones', [2, 1, 3, 4], [2, 3], [[2, 1, 3, 4], [3, 1]], null],
      ['trailing axes, a vector over both', [2, 1, 3, 4], [1, 2, 3], [[2, 1, 3, 4], [3, 4]], { outer: 2, m: 12, kinds: 'fv' }],
      ['a reduced size-1 axis in the middle', [2, 1, 3], [1, 2], [[2, 1, 3]], { outer: 2, m: 3, kinds: 'f' }],
      ['a leading axis', [8, 64], [0], [[8, 64]], null],
      ['a middle axis', [2, 3, 4], [1], [[2, 3, 4]], null],
      ['an input broadcast inside the reduced block', [2, 3, 4], [1, 2], [[2, 3, 4], [3, 1]], null],
      ['a fold of one value', [4, 1], [1], [[4, 1]], null],
      ['an empty fold', [4, 0], [1], [[4, 0]], null],
      ['no rows', [0, 4], [1], [[0, 4]], null],
    ] as [string, number[], number[], number[][], unknown][])('%s', (_, shape, axes, inputs, want) => {
      expect(reduceLayout(shape, axes, inputs)).toEqual(want);
    });
  });

  describe('law: fusedReduce(xs) is reduce(fused(xs)), bit for bit, on both paths', () => {
    it.each(PROGRAMS)('%s, on random shapes, axes and values', (_, inDType, outDType, program) => {
      const r = mulberry32(11);
      const paths = { loop: 0, fallback: 0 };
      for (let k = 0; k < 150; k++) {
        const rank = 1 + Math.floor(r() * 3);
        const base = Array.from({ length: rank }, () => Math.floor(r() * 4) + (r() < 0.1 ? 0 : 1));
        const shapeOf = (): number[] => base.slice(Math.floor(r() * 2) === 0 ? 0 : Math.floor(r() * rank)).map((d) => (r() < 0.3 ? 1 : d));
        // Every other case without specials: a NaN reaches its whole reduction, and NaN equals NaN here.
        const rate = k % 2 === 0 ? 0.3 : 0;
        const a = randomTensor(r, inDType, base, rate);
        const b = randomTensor(r, inDType, shapeOf(), rate);
        const axes = base.map((_, i) => i).filter(() => r() < 0.6);
        const axis = axes.length === 0 ? null : axes;
        const keepDims = r() < 0.3;
        const shape = base;
        const full = axis === null ? base.map((_, i) => i) : axes;
        paths[reduceLayout(shape, full, [a.shape, b.shape]) === null ? 'fallback' : 'loop']++;
        for (const reduce of ['sum', 'max', 'min'] as const) {
          expectIdentical(fusedReduce([a, b], program, outDType, reduce, axis, keepDims), unfused([a, b], program, outDType, reduce, axis, keepDims));
        }
      }
      expect(paths.loop).toBeGreaterThan(30);
      expect(paths.fallback).toBeGreaterThan(30);
    });
  });

  it('runs the hot case, a masked sum over a 1-D batch, in one generated loop and nothing else', () => {
    const program: AttrValue[] = [
      ['input', 'float64', 0], ['const', 'float64', 2], ['mul', 'float64', 0, 1], ['const', 'float64', 1], ['add', 'float64', 2, 3],
      ['const', 'float64', 3], ['mod', 'float64', 4, 5], ['const', 'float64', 0], ['notEqual', 'bool', 6, 7], ['where', 'float64', 8, 4, 7],
    ];
    const x = tensor(Float64Array.from({ length: 1000 }, (_, i) => i - 500), 'float64');
    const spy = jest.spyOn(fusedModule, 'fusedKernel');
    try {
      const before = jitCompileCount();
      const got = fusedReduce([x], program, 'float64', 'sum');
      expect(jitCompileCount()).toBe(before + 1);
      fusedReduce([tensor(Float64Array.from([1, 2, 3]), 'float64')], program, 'float64', 'sum');
      expect(jitCompileCount()).toBe(before + 1); // cached: the same program and layout
      expect(spy).not.toHaveBeenCalled();
      let want = 0;
      for (let i = 0; i < 1000; i++) {
        const y = (i - 500) * 2 + 1;
        if (((y % 3) + 3) % 3 !== 0) want += y;
      }
      expect(got.data[0]).toBe(want);
      expectIdentical(got, unfused([x], program, 'float64', 'sum'));
    } finally {
      spy.mockRestore();
    }
  });

  it('falls back to the fused and reduce kernels for a leading axis, with the same result', () => {
    const program: AttrValue[] = [['input', 'float32', 0], ['exp', 'float32', 0]];
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    const spy = jest.spyOn(fusedModule, 'fusedKernel');
    try {
      expectIdentical(fusedReduce([x], program, 'float32', 'sum', 0), unfused([x], program, 'float32', 'sum', 0));
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('wraps int32 sums modulo 2^32 and sums bools and uint8 into int32, as the unfused kernels do', () => {
    const big = tensor([2147483647, 2147483647, 46341, 46341], 'int32');
    const square: AttrValue[] = [['input', 'int32', 0], ['mul', 'int32', 0, 0]];
    const got = fusedReduce([big], square, 'int32', 'sum');
    expect(got.data[0]).toBe(Number(BigInt.asIntN(32, 2n * 2147483647n ** 2n + 2n * 46341n ** 2n)));
    expectIdentical(got, unfused([big], square, 'int32', 'sum'));
    const u = tensor([200, 100, 250], 'uint8');
    const copy: AttrValue[] = [['input', 'uint8', 0], ['cast', 'uint8', 0]];
    expectIdentical(fusedReduce([u], copy, 'uint8', 'sum'), tensor(550, 'int32'));
    const flags: AttrValue[] = [['input', 'float32', 0], ['const', 'float32', 0], ['greater', 'bool', 0, 1]];
    expectIdentical(fusedReduce([tensor([1, -1, 2, NaN])], flags, 'bool', 'sum'), tensor(2, 'int32'));
    expectIdentical(fusedReduce([tensor([-1, -2])], flags, 'bool', 'max'), tensor(false));
  });

  it('propagates NaN through max and min, sums float32 values in doubles, and keeps -0 of a one-value fold', () => {
    const id: AttrValue[] = [['input', 'float32', 0], ['neg', 'float32', 0]];
    const x = tensor([[1, NaN, 3], [-Infinity, -5, -0]]);
    expectIdentical(fusedReduce([x], id, 'float32', 'max', 1), tensor([NaN, Infinity]));
    expectIdentical(fusedReduce([x], id, 'float32', 'min', -1), tensor([NaN, 0]));
    // Each value is a float32; the sum runs in doubles and rounds once, as reduceImpl does (float32 steps would give 2^24).
    const ones = tensor([-16777216, -1, -1, -1]);
    expectIdentical(fusedReduce([ones], id, 'float32', 'sum'), tensor(16777220));
    expectIdentical(fusedReduce([ones], id, 'float32', 'sum'), unfused([ones], id, 'float32', 'sum'));
    const zeros = tensor([[0], [5]]);
    expectIdentical(fusedReduce([zeros], id, 'float32', 'sum', 1), tensor([-0, -5]));
  });

  it('gives the identities for empty folds and an empty result for no rows', () => {
    const id: AttrValue[] = [['input', 'int32', 0], ['abs', 'int32', 0]];
    const empty = new Tensor('int32', [3, 0], new Int32Array(0));
    expectIdentical(fusedReduce([empty], id, 'int32', 'max', 1), tensor([-(2 ** 31), -(2 ** 31), -(2 ** 31)], 'int32'));
    expectIdentical(fusedReduce([empty], id, 'int32', 'sum', 1, true), new Tensor('int32', [3, 1], new Int32Array(3)));
    expect(fusedReduce([new Tensor('int32', [0, 3], new Int32Array(0))], id, 'int32', 'min', 1).shape).toEqual([0]);
  });

  describe('planted code', () => {
    const planted: [string, AttrValue[], AttrValue][] = [
      ['in an op name', [['input', 'float32', 0], ['neg; globalThis.pwned = 1; //', 'float32', 0]], 'sum'],
      ['in a constant', [['const', 'float32', '1; globalThis.pwned = 1']], 'sum'],
      ['as __proto__', [['input', 'float32', 0], ['__proto__', 'float32', 0]], 'sum'],
      ['in the reduction', [['input', 'float32', 0]], 'sum; globalThis.pwned = 1'],
      ['as a reduction named __proto__', [['input', 'float32', 0]], '__proto__'],
    ];

    it.each(planted)('is rejected by the contract, %s, and nothing runs', (_, program, reduce) => {
      const before = jitCompileCount();
      const call = () => runOp('fusedReduce', [tensor([1, 2])], { program, dtype: 'float32', reduce, axis: null });
      expect(call).toThrow(OpError);
      expect(call).toThrow(/^Argument '(program|reduce)' passed to 'fusedReduce' is /);
      expect(jitCompileCount()).toBe(before);
      expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
    });

    it.each(planted)('is rejected by the kernel itself too, %s, if something skipped the contract', (_, program, reduce) => {
      const before = jitCompileCount();
      const out = new Tensor('float32', [], new Float32Array(1));
      const attrs = { program, dtype: 'float32' as const, reduce: reduce as string, axes: [0], keepDims: false };
      expect(() => fusedReduceKernel({ inputs: [tensor([1, 2])], attrs, out })).toThrow(/^'fusedReduce' program /);
      expect(jitCompileCount()).toBe(before);
      expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
    });
  });
});
