import { OpError, runOp, Tensor, tensor } from '@weir/dataflow';
import type { AttrValue, DType } from '@weir/dataflow';
import '../register';
import { floatFloorDiv, floatMod, intFloorDiv, intMod } from '../scalar_fns';
import { jitCompileCount } from './compile';
import { fusedKernel } from './fused';

const fused = (inputs: Tensor[], program: AttrValue[], dtype: DType): Tensor => runOp('fused', inputs, { program, dtype }) as Tensor;
const binary = (op: string, dtype: DType, a: DType = dtype, b: DType = a): AttrValue[] =>
  [['input', a, 0], ['input', b, 1], [op, dtype, 0, 1]];
const values = (t: Tensor): number[] => Array.from(t.data);

describe('the fused kernel (JIT)', () => {
  describe('int32 semantics, as the unfused kernels', () => {
    const a = tensor([2147483647, -2147483648, 65536, -7, 7, 46341], 'int32');
    const b = tensor([1, -1, 65536, 2, -2, 46341], 'int32');
    it.each([
      ['add', [-2147483648, 2147483647, 131072, -5, 5, 92682]],
      ['sub', [2147483646, -2147483647, 0, -9, 9, 0]],
      ['mul', [2147483647, -2147483648, 0, -14, -14, -2147479015]],
      ['floorDiv', [2147483647, -2147483648, 1, -4, -4, 1]],
      ['mod', [0, 0, 0, 1, -1, 0]],
      ['pow', [2147483647, 0, 0, 49, 0, -1732435659]], // negative exponents truncate to 0
    ])('%s wraps modulo 2^32 and floors as NumPy', (op, want) => {
      const out = fused([a, b], binary(op, 'int32'), 'int32');
      expect(values(out)).toEqual(values(runOp(op, [a, b]) as Tensor));
      expect(values(out)).toEqual(want);
    });

    it('gives 0 for integer division and mod by zero', () => {
      const zero = tensor([0, 0], 'int32');
      const x = tensor([5, -5], 'int32');
      expect(values(fused([x, zero], binary('floorDiv', 'int32'), 'int32'))).toEqual([0, 0]);
      expect(values(fused([x, zero], binary('mod', 'int32'), 'int32'))).toEqual([0, 0]);
    });

    it('wraps every intermediate, not only the result: (a * a) / a is not a', () => {
      const x = tensor([65536, 3], 'int32');
      const program = [['input', 'int32', 0], ['mul', 'int32', 0, 0], ['floorDiv', 'int32', 1, 0]];
      expect(values(fused([x], program, 'int32'))).toEqual([0, 3]);
    });
  });

  it("computes float mod and floorDiv as floatMod and floatFloorDiv do, on the int32 fast path's edges too", () => {
    const edges = [0, -0, 1, -1, 3, -3, 7, -7, 2.5, -2.5, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 1e300, NaN, Infinity, -Infinity];
    const a = tensor(edges.flatMap((x) => edges.map(() => x)), 'float64');
    const b = tensor(edges.flatMap(() => edges), 'float64');
    for (const [op, fn] of [['mod', floatMod], ['floorDiv', floatFloorDiv]] as const) {
      const out = fused([a, b], binary(op, 'float64'), 'float64');
      const bad = values(out).findIndex((v, i) => !Object.is(v, fn(a.data[i], b.data[i])));
      expect([op, bad >= 0 ? [a.data[bad], b.data[bad], out.data[bad]] : 'all equal']).toEqual([op, 'all equal']);
    }
  });

  it('computes relu as max(x, 0) with NaN kept and -0 made +0, on every edge of the branch-free form and every dtype', () => {
    const MAX = Number.MAX_VALUE;
    const cases: [DType, number[]][] = [
      ['float64', [0, -0, 1, -1, 0.5, -0.5, 5e-324, -5e-324, 8e307, -8e307, 8.1e307, -8.1e307, MAX / 2, MAX, -MAX, Infinity, -Infinity, NaN]],
      ['float32', [0, -0, 1e-45, -1e-45, 3.4e38, -3.4e38, 1.5, -1.5, Infinity, -Infinity, NaN]],
      ['int32', [0, 1, -1, 2 ** 31 - 1, -(2 ** 31)]],
      ['uint8', [0, 1, 255]],
    ];
    const expected = (x: number): number => (Number.isNaN(x) ? NaN : x > 0 ? x : 0);
    for (const [dtype, edges] of cases) {
      const x = tensor(edges, dtype);
      const program = [['input', dtype, 0], ['relu', dtype, 0]];
      for (const [how, out] of [['fused', fused([x], program, dtype)], ['kernel', runOp('relu', [x]) as Tensor]] as const) {
        const bad = values(out).findIndex((v, i) => !Object.is(v, expected(x.data[i])));
        expect([dtype, how, bad >= 0 ? [x.data[bad], out.data[bad]] : 'all equal']).toEqual([dtype, how, 'all equal']);
      }
    }
  });

  it('computes int32 and uint8 mod and floorDiv as intMod and intFloorDiv do, for every pair of edge values', () => {
    const cases: [DType, number[]][] = [
      ['int32', [0, 1, -1, 2, -2, 3, -3, 7, -7, 65536, 46341, 2 ** 31 - 1, -(2 ** 31)]],
      ['uint8', [0, 1, 2, 3, 7, 128, 254, 255]],
    ];
    for (const [dtype, edges] of cases) {
      const a = tensor(edges.flatMap((x) => edges.map(() => x)), dtype);
      const b = tensor(edges.flatMap(() => edges), dtype);
      for (const [op, fn] of [['mod', intMod], ['floorDiv', intFloorDiv]] as const) {
        const out = fused([a, b], binary(op, dtype), dtype);
        const kernel = runOp(op, [a, b]) as Tensor;
        const bad = values(out).findIndex((v, i) => v !== kernel.data[i] || (dtype === 'int32' && v !== (fn(a.data[i], b.data[i]) | 0)));
        expect([dtype, op, bad >= 0 ? [a.data[bad], b.data[bad], out.data[bad]] : 'all equal']).toEqual([dtype, op, 'all equal']);
      }
    }
  });

  it('wraps uint8 and rounds float32 at every step', () => {
    const u = tensor([250, 3], 'uint8');
    expect(values(fused([u, tensor([10, 5], 'uint8')], binary('add', 'uint8'), 'uint8'))).toEqual([4, 8]);
    expect(values(fused([u, tensor([10, 5], 'uint8')], binary('sub', 'uint8'), 'uint8'))).toEqual([240, 254]);
    const f = tensor([1, 16777216], 'float32');
    // In doubles (1/3)*3 is 1 and 16777216 + 1 - 16777216 is 1; in float32 steps they are not.
    const program = [['input', 'float32', 0], ['const', 'float32', 1], ['add', 'float32', 0, 1], ['sub', 'float32', 2, 0]];
    expect(values(fused([f], program, 'float32'))).toEqual([1, 0]);
  });

  it('writes bool results as 0/1 and reads mixed dtypes as the unfused ops do', () => {
    const x = tensor([1.5, NaN, -0, 3], 'float32');
    const n = tensor([1, 2, 0, 3], 'int32');
    const program = [['input', 'float32', 0], ['input', 'int32', 1], ['greaterEqual', 'bool', 0, 1], ['cast', 'bool', 0], ['logicalAnd', 'bool', 2, 3]];
    const out = fused([x, n], program, 'bool');
    expect(out.dtype).toBe('bool');
    expect(values(out)).toEqual([1, 0, 0, 1]);
  });

  it('broadcasts: flat, scalar and strided inputs, 3 of them', () => {
    const a = tensor([[1], [2]], 'float64');              // [2,1]
    const b = tensor([10, 20, 30], 'float64');            // [3]
    const c = tensor(100, 'float64');                      // []
    const program = [['input', 'float64', 0], ['input', 'float64', 1], ['input', 'float64', 2], ['mul', 'float64', 0, 2], ['add', 'float64', 3, 1]];
    expect(fused([a, b, c], program, 'float64').toArray()).toEqual([[110, 120, 130], [210, 220, 230]]);
    const full = tensor([[1, 2, 3], [4, 5, 6]], 'float64');
    expect(fused([full, b, c], program, 'float64').toArray()).toEqual([[110, 220, 330], [410, 520, 630]]);
    const out = fused([tensor([[[1]], [[2]]], 'float64'), tensor([[1, 2], [3, 4], [5, 6]], 'float64'), c], program, 'float64');
    expect(out.shape).toEqual([2, 3, 2]);
    expect(values(out)).toEqual([101, 102, 103, 104, 105, 106, 201, 202, 203, 204, 205, 206]);
  });

  it('handles empty outputs', () => {
    const out = fused([tensor(new Float32Array(0), 'float32', [0, 3])], [['input', 'float32', 0], ['exp', 'float32', 0]], 'float32');
    expect(out.shape).toEqual([0, 3]);
  });

  it('compiles each program once per input layout and reuses it', () => {
    const program = [['input', 'float32', 0], ['const', 'float32', 0.25], ['mul', 'float32', 0, 1], ['tanh', 'float32', 2]];
    const x = tensor([1, 2, 3]);
    fused([x], program, 'float32');
    const before = jitCompileCount();
    fused([tensor([4, 5, 6])], program, 'float32');
    fused([tensor([4, 5, 6])], JSON.parse(JSON.stringify(program)), 'float32'); // same text, another array
    expect(jitCompileCount()).toBe(before);
    fused([tensor(7)], program, 'float32'); // one element: the same flat layout
    expect(jitCompileCount()).toBe(before);
  });

  it('tells apart programs that differ only in a constant JSON cannot spell (±Infinity, NaN, -0)', () => {
    // JSON.stringify writes Infinity, -Infinity and NaN all as null, and -0 as 0: a cache keyed by that text
    // handed maximum(x, -Infinity)'s loop to maximum(x, Infinity).
    const withConst = (c: number): AttrValue[] => [['input', 'float64', 0], ['const', 'float64', c], ['maximum', 'float64', 0, 1]];
    const x = tensor([1, -2], 'float64');
    expect(fused([x], withConst(-Infinity), 'float64').toArray()).toEqual([1, -2]);
    expect(fused([x], withConst(Infinity), 'float64').toArray()).toEqual([Infinity, Infinity]);
    expect(Number.isNaN(fused([x], withConst(NaN), 'float64').data[0])).toBe(true);
    const z = tensor([-0], 'float64');
    const add = (c: number): AttrValue[] => [['input', 'float64', 0], ['const', 'float64', c], ['add', 'float64', 0, 1]];
    expect(Object.is(fused([z], add(-0), 'float64').data[0], -0)).toBe(true);
    expect(Object.is(fused([z], add(0), 'float64').data[0], 0)).toBe(true);
  });

  describe('planted code', () => {
    const planted: [string, AttrValue[]][] = [
      ['in an op name', [['input', 'float32', 0], ['neg; globalThis.pwned = 1; //', 'float32', 0]]],
      ['in a dtype', [['input', 'float32', 0], ['neg', 'float32; globalThis.pwned = 1', 0]]],
      ['in a constant', [['const', 'float32', '1; globalThis.pwned = 1']]],
      ['in a reference', [['input', 'float32', 0], ['neg', 'float32', '0]; globalThis.pwned = 1; //']]],
      ['as __proto__', [['input', 'float32', 0], ['__proto__', 'float32', 0]]],
    ];

    it.each(planted)('is rejected by the contract, %s, and nothing runs', (_, program) => {
      const before = jitCompileCount();
      const call = () => runOp('fused', [tensor([1, 2])], { program, dtype: 'float32' });
      expect(call).toThrow(OpError);
      expect(call).toThrow(/^Argument 'program' passed to 'fused' is invalid: /);
      expect(jitCompileCount()).toBe(before);
      expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
    });

    it.each(planted)('is rejected by the kernel itself too, %s, if something skipped the contract', (_, program) => {
      const before = jitCompileCount();
      const out = new Tensor('float32', [2], new Float32Array(2));
      expect(() => fusedKernel({ inputs: [tensor([1, 2])], attrs: { program, dtype: 'float32' }, out })).toThrow(/^'fused' program /);
      expect(jitCompileCount()).toBe(before);
      expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
    });
  });

  describe('the contract', () => {
    it.each([
      ['a dtype the op does not give', [['input', 'float32', 0], ['greater', 'float32', 0, 0]], "instruction 1 (greater) says float32, but 'greater' gives bool for its arguments"],
      ['an input read as the wrong dtype', [['input', 'float64', 0]], 'instruction 0 reads input 0 as float64, but it is float32'],
      ['a constant its dtype cannot hold', [['const', 'int32', 1.5]], 'instruction 0 is the constant 1.5, which a int32 cannot hold'],
      ['an op the dtype rules reject', [['input', 'float32', 0], ['logicalNot', 'bool', 0]], "Argument 'x' passed to 'logicalNot' has dtype float32; expected bool"],
      ['an empty program', [], 'it is []; expected a list of 1 to 4096 instructions'],
    ])('rejects %s', (_, program, message) => {
      expect(() => runOp('fused', [tensor([1, 2])], { program: program as AttrValue[], dtype: 'float32' })).toThrow(message);
    });

    it('gives the broadcast shape of its inputs and the declared dtype, which must be the result\'s', () => {
      expect(() => runOp('fused', [tensor([1, 2])], { program: [['input', 'float32', 0]], dtype: 'int32' })).toThrow(
        "Argument 'dtype' passed to 'fused' is \"int32\"; the program's result is float32",
      );
      expect(() => runOp('fused', [tensor([1, 2]), tensor([1, 2, 3])], { program: [['input', 'float32', 0]], dtype: 'float32' })).toThrow(
        "Argument 'xs[1]' passed to 'fused' has shape [3], which does not broadcast with [2]",
      );
    });
  });
});
