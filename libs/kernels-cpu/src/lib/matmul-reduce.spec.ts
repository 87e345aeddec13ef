import { allocate, mulberry32, OpError, runOp, Tensor } from '@weir/dataflow';
import type { AttrValue, DType } from '@weir/dataflow';
import './register';
import { rowSumPlan } from './matmul-reduce';
import { WASM_MATMUL_MIN_MACS } from './matmul_impl';
import { wasmGemm, WasmGemm } from './wasm/gemm_f32';

type Program = AttrValue[][];
const attrsOf = (program: Program, reduce = 'sum', axis: number[] | null = [-1], keepDims = false, dtype: DType = 'float32') => ({ program, dtype, reduce, axis, keepDims });
const matmulReduce = (xs: Tensor[], attrs: ReturnType<typeof attrsOf>): Tensor => runOp('matmulReduce', xs, attrs) as Tensor;
/** What matmulReduce must equal bit for bit: matmul, then fusedReduce. */
const unfused = ([a, b, ...xs]: Tensor[], attrs: ReturnType<typeof attrsOf>): Tensor =>
  runOp('fusedReduce', [runOp('matmul', [a, b]) as Tensor, ...xs], attrs) as Tensor;

function expectIdentical(label: string, got: Tensor, want: Tensor): void {
  expect([label, got.dtype, got.shape]).toEqual([label, want.dtype, want.shape]);
  const bad = Array.from(want.data).findIndex((v, i) => !Object.is(v, got.data[i]));
  expect([label, bad < 0 ? 'identical' : `element ${bad}: ${got.data[bad]}, expected ${want.data[bad]}`]).toEqual([label, 'identical']);
}

/** Values in [-2, 2) with some NaN, ±Infinity and -0. */
function randomTensor(r: () => number, dtype: DType, shape: number[], specials = true): Tensor {
  const size = shape.reduce((x, y) => x * y, 1);
  const data = allocate(dtype, size);
  const pick = [NaN, Infinity, -Infinity, -0];
  for (let i = 0; i < size; i++) data[i] = specials && r() < 0.002 ? pick[Math.floor(r() * 4)] : r() * 4 - 2;
  return new Tensor(dtype, shape, data);
}

const P = (slot: number): AttrValue[] => ['input', 'float32', slot];
const EPILOGUES: [string, Program][] = [
  ['sum($0)', [P(0)]],
  ['sum($0 + $1)', [P(0), P(1), ['add', 'float32', 0, 1]]],
  ['sum($1 + $0)', [P(1), P(0), ['add', 'float32', 0, 1]]],
  ['sum(relu($0))', [P(0), ['relu', 'float32', 0]]],
  ['sum(relu($0 + $1))', [P(0), P(1), ['add', 'float32', 0, 1], ['relu', 'float32', 2]]],
];

describe('rowSumPlan', () => {
  it.each([
    [[P(0)], { biasSlot: null, relu: false }],
    [[P(0), P(1), ['add', 'float32', 0, 1]], { biasSlot: 1, relu: false }],
    [[P(1), P(0), ['add', 'float32', 1, 0]], { biasSlot: 1, relu: false }],
    [[P(0), ['relu', 'float32', 0]], { biasSlot: null, relu: true }],
    [[P(0), P(2), ['add', 'float32', 0, 1], ['relu', 'float32', 2]], { biasSlot: 2, relu: true }],
  ])('reads the epilogue of %j', (program, plan) => {
    expect(rowSumPlan(program)).toEqual(plan);
  });

  it.each([
    ['a const', [P(0), ['const', 'float32', 2], ['mul', 'float32', 0, 1]]],
    ['relu before the bias', [P(0), ['relu', 'float32', 0], P(1), ['add', 'float32', 1, 2]]],
    ['float64 steps', [['input', 'float64', 0]]],
    ['the product added to itself', [P(0), ['add', 'float32', 0, 0]]],
    ['two biases', [P(0), P(1), ['add', 'float32', 0, 1], P(2), ['add', 'float32', 2, 3]]],
    ['no product', [P(1)]],
    ['not a program', 'relu'],
  ])('refuses %s', (_, program) => {
    expect(rowSumPlan(program)).toBeNull();
  });
});

describe('the matmulReduce kernel', () => {
  it('gives the bits of matmul then fusedReduce for every epilogue, on the row-sum path and below its threshold', () => {
    const r = mulberry32(7);
    // [m, k, n]: the dense layer's shape, a 1-D a, ragged sizes (rows not a multiple of 4, n of 4), one
    // under WASM_MATMUL_MIN_MACS (which accumulates in double in JS, and must stay on that path).
    const shapes: [number[], number, number][] = [[[300, 256], 256, 64], [[256], 256, 64], [[37, 19], 19, 13], [[5, 3], 3, 2], [[2, 2], 2, 2]];
    const spy = jest.spyOn(wasmGemm() as WasmGemm, 'rowSums');
    for (const [aShape, k, n] of shapes) {
      spy.mockClear();
      // Specials in a only: one in b or the bias reaches every row's sum, and equal NaNs hide any other
      // difference (the dense shape's b would hold ~30 of them).
      const a = randomTensor(r, 'float32', aShape);
      const b = randomTensor(r, 'float32', [k, n], false);
      const bias = randomTensor(r, 'float32', [n], false);
      for (const [name, program] of EPILOGUES) {
        const xs = program.some((ins) => ins[0] === 'input' && ins[2] === 1) ? [a, b, bias] : [a, b];
        for (const keepDims of [false, true]) {
          const attrs = attrsOf(program, 'sum', [-1], keepDims);
          const want = unfused(xs, attrs);
          if (want.size > 8) expect(new Set(Array.from(want.data).filter((v) => !Number.isNaN(v))).size).toBeGreaterThan(want.size / 2);
          expectIdentical(`${name} [${aShape}]·[${k},${n}] keepDims ${keepDims}`, matmulReduce(xs, attrs), want);
        }
      }
      // The row-sum path ran (and succeeded) for each epilogue exactly where the product reaches the threshold.
      const rows = aShape.length === 1 ? 1 : aShape[0];
      const expected = rows * k * n >= WASM_MATMUL_MIN_MACS ? 2 * EPILOGUES.length : 0;
      expect([aShape, spy.mock.results.filter((x) => x.value === true).length]).toEqual([aShape, expected]);
    }
    spy.mockRestore();
  });

  it('computes every other case as the two ops in turn: other reductions, axes, programs, bias shapes and dtypes', () => {
    const r = mulberry32(8);
    const a = randomTensor(r, 'float32', [9, 40]);
    const b = randomTensor(r, 'float32', [40, 12]);
    const bias = randomTensor(r, 'float32', [12]);
    const biasRow = randomTensor(r, 'float32', [1, 12]);
    const biasAdd = EPILOGUES[4][1];
    const cases: [string, Tensor[], ReturnType<typeof attrsOf>][] = [
      ['max', [a, b, bias], attrsOf(biasAdd, 'max')],
      ['min', [a, b, bias], attrsOf(biasAdd, 'min')],
      ['axis 0', [a, b, bias], attrsOf(biasAdd, 'sum', [0])],
      ['every axis', [a, b, bias], attrsOf(biasAdd, 'sum', null)],
      ['a [1,12] bias', [a, b, biasRow], attrsOf(biasAdd)],
      ['a scaled product', [a, b], attrsOf([P(0), ['const', 'float32', 0.5], ['mul', 'float32', 0, 1]])],
      ['float64 operands', [randomTensor(r, 'float64', [9, 40]), randomTensor(r, 'float64', [40, 12])], attrsOf([['input', 'float64', 0]], 'sum', [-1], false, 'float64')],
      ['batched operands', [randomTensor(r, 'float32', [2, 9, 40]), b, bias], attrsOf(biasAdd)],
    ];
    for (const [label, xs, attrs] of cases) expectIdentical(label, matmulReduce(xs, attrs), unfused(xs, attrs));
  });

  it('names itself in errors about its operands and its reduction', () => {
    const a = randomTensor(mulberry32(9), 'float32', [3, 4]);
    expect(() => matmulReduce([a, a], attrsOf([P(0)]))).toThrow(new OpError('matmulReduce', "Argument 'b' passed to 'matmulReduce' has shape [3,4]; expected [4,*]"));
    expect(() => matmulReduce([a], attrsOf([P(0)]))).toThrow("Argument 'b' passed to 'matmulReduce' is missing");
    expect(() => matmulReduce([a, randomTensor(mulberry32(1), 'float32', [4, 2])], attrsOf([P(0)], 'mean'))).toThrow("passed to 'matmulReduce'");
  });
});
