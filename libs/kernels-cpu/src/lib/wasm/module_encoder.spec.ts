import { FunctionBuilder } from './function_builder';
import { encodeModule } from './module_encoder';
import { Op, SimdOp, ValType } from './opcodes';
import { wasmApi, WasmApi } from './wasm_api';

const api = wasmApi() as WasmApi; // Node 20 has WebAssembly with SIMD128
const memory = { module: 'env', name: 'memory', initial: 1 };

function instantiate(bytes: Uint8Array): Record<string, (...args: number[]) => number> {
  const mem = new api.Memory({ initial: 1 });
  return new api.Instance(new api.Module(bytes), { env: { memory: mem } }).exports as Record<string, (...args: number[]) => number>;
}

describe('encodeModule and FunctionBuilder', () => {
  it('encode a module that validates and runs', () => {
    const add = new FunctionBuilder([ValType.i32, ValType.i32], [ValType.i32]);
    add.get(0).get(1).op(Op.i32_add);
    const bytes = encodeModule({ memory, functions: [{ body: add, exportAs: 'add' }] });
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    expect(api.validate(bytes)).toBe(true);
    expect(instantiate(bytes).add(2, -5)).toBe(-3);
  });

  it('work out branch depths from labels: a loop summing 1..n, with a call and a SIMD lane sum', () => {
    // sum(n): s = 0; while (n > 0) { s += n; n-- }; the loop's exit is a block two labels out from the br_if.
    const sum = new FunctionBuilder([ValType.i32], [ValType.i32]);
    const s = sum.local(ValType.i32);
    const exit = sum.block();
    const again = sum.loop();
    sum.get(0).i32Const(0).op(Op.i32_le_s).brIf(exit);
    sum.addLocal(s, 0).addConst(0, -1).br(again).end().end();
    sum.get(s);
    // twice(n) = sum(n) * 2, through a call to function 0.
    const twice = new FunctionBuilder([ValType.i32], [ValType.i32]);
    twice.get(0).call(0).i32Const(2).op(Op.i32_mul);
    // lane(x) = lane 2 of (splat(x) + splat(0.5)): a SIMD instruction with and without immediates.
    const lane = new FunctionBuilder([ValType.f32], [ValType.f32]);
    lane.get(0).simd(SimdOp.f32x4_splat).f32x4Const(0.5).simd(SimdOp.f32x4_add);
    lane.simdLane(SimdOp.f32x4_extract_lane, 2);
    const bytes = encodeModule({ memory, functions: [{ body: sum, exportAs: 'sum' }, { body: twice, exportAs: 'twice' }, { body: lane, exportAs: 'lane' }] });
    expect(api.validate(bytes)).toBe(true);
    const fns = instantiate(bytes);
    expect(fns.sum(10)).toBe(55);
    expect(fns.twice(4)).toBe(20);
    expect(fns.lane(1.25)).toBe(1.75);
  });

  it('stores and loads through the imported memory', () => {
    // put(addr, x): f32.store; get(addr): v128.load32_splat then lane 3.
    const put = new FunctionBuilder([ValType.i32, ValType.f32], []);
    put.get(0).get(1).mem(Op.f32_store);
    const get = new FunctionBuilder([ValType.i32], [ValType.f32]);
    get.get(0).simdMem(SimdOp.v128_load32_splat, 0, 2).simdLane(SimdOp.f32x4_extract_lane, 3);
    const bytes = encodeModule({ memory, functions: [{ body: put, exportAs: 'put' }, { body: get, exportAs: 'get' }] });
    const fns = instantiate(bytes);
    fns.put(64, 2.5);
    expect(fns.get(64)).toBe(2.5);
  });

  it('import a shared memory when asked, which needs a maximum', () => {
    const f = new FunctionBuilder([], []);
    const bytes = encodeModule({ memory: { ...memory, maximum: 4, shared: true }, functions: [{ body: f }] });
    expect(api.validate(bytes)).toBe(true);
    const mem = new api.Memory({ initial: 1, maximum: 4, shared: true });
    expect(() => new api.Instance(new api.Module(bytes), { env: { memory: mem } })).not.toThrow();
    expect(() => encodeModule({ memory: { ...memory, shared: true }, functions: [] })).toThrow('encodeModule: a shared memory needs a maximum');
  });

  it('group locals of one type and catch unbalanced blocks and stray branches', () => {
    const f = new FunctionBuilder([ValType.i32], []);
    expect([f.local(ValType.v128), f.local(ValType.v128), f.local(ValType.i32)]).toEqual([1, 2, 3]);
    expect(f.encode().slice(0, 5)).toEqual([2, 2, ValType.v128, 1, ValType.i32]);
    const open = new FunctionBuilder([], []);
    const outer = open.block();
    expect(() => open.encode()).toThrow('FunctionBuilder.encode: 1 block(s) left open');
    open.end();
    expect(() => open.br(outer)).toThrow('FunctionBuilder: branch to a block that is not open');
    expect(() => open.end()).toThrow('FunctionBuilder.end: no open block');
  });
});
