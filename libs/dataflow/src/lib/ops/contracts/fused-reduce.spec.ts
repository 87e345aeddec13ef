import type { ExprGraph } from '../../ir/expr';
import { serializePlan } from '../../ir/serialize';
import type { StreamGraph } from '../../ir/stream';
import { deserializePlan, PlanFormatError } from '../../ir/validate';
import { AttrValue, getContract, OpError, ValueInfo } from '../contract';
import './index';

const relu2xb: AttrValue[] = [
  ['input', 'float32', 0], ['const', 'float32', 2], ['mul', 'float32', 0, 1], ['input', 'float32', 1], ['add', 'float32', 2, 3], ['relu', 'float32', 4],
];
const x: ValueInfo = { dtype: 'float32', shape: [null, 64] };
const b: ValueInfo = { dtype: 'float32', shape: [64] };
const infer = (xs: ValueInfo[], attrs: Record<string, AttrValue>) => getContract('fusedReduce').infer(xs, attrs);

describe("the 'fusedReduce' contract", () => {
  it('gives what the reduction of the fused value gives, with unknown dimensions, and the normalized axes', () => {
    const r = infer([x, b], { program: relu2xb, dtype: 'float32', reduce: 'sum', axis: -1 });
    expect([r.dtype, r.shape]).toEqual(['float32', [null]]);
    expect(r.attrs).toMatchObject({ axes: [1], keepDims: false, reduce: 'sum', dtype: 'float32' });
    const all = infer([x, b], { program: relu2xb, dtype: 'float32', reduce: 'max', axis: null, keepDims: true });
    expect([all.dtype, all.shape, all.attrs?.axes]).toEqual(['float32', [1, 1], [0, 1]]);
    const flags: AttrValue[] = [['input', 'float32', 0], ['const', 'float32', 0], ['greater', 'bool', 0, 1]];
    expect(infer([{ dtype: 'float32', shape: [null] }], { program: flags, dtype: 'bool', reduce: 'sum' })).toMatchObject({ dtype: 'int32', shape: [] });
    expect(infer([{ dtype: 'float32', shape: [null] }], { program: flags, dtype: 'bool', reduce: 'min' })).toMatchObject({ dtype: 'bool', shape: [] });
  });

  it.each([
    ['a reduction it does not fold', { reduce: 'mean' }, 'Argument \'reduce\' passed to \'fusedReduce\' is "mean"; expected "sum", "max" or "min"'],
    ['a reduction named __proto__', { reduce: '__proto__' }, 'Argument \'reduce\' passed to \'fusedReduce\' is "__proto__"; expected "sum", "max" or "min"'],
    ['code as the reduction', { reduce: 'sum; globalThis.pwned = 1' }, "Argument 'reduce' passed to 'fusedReduce' is \"sum; globalThis.pwned = 1\"; expected"],
    ['an invalid program', { program: [['input', 'float32', 0], ['constructor', 'float32', 0]] }, "Argument 'program' passed to 'fusedReduce' is invalid: instruction 1 uses op \"constructor\""],
    ['a dtype unlike the program\'s', { dtype: 'int32' }, "Argument 'dtype' passed to 'fusedReduce' is \"int32\"; the program's result is float32"],
    ['an axis out of range', { axis: 2 }, "Argument 'axis' passed to 'fusedReduce' is 2; expected an axis in [-2, 1] for a rank-2 tensor"],
    ['no axis at all', { axis: [] }, "Argument 'axis' passed to 'fusedReduce' is [], which selects no axis of a rank-2 value; that is the elementwise 'fused' op"],
  ] as [string, Record<string, AttrValue>, string][])('rejects %s, naming itself and the argument', (_, change, message) => {
    const call = () => infer([x, b], { program: relu2xb, dtype: 'float32', reduce: 'sum', axis: 1, ...change });
    expect(call).toThrow(OpError);
    expect(call).toThrow(message);
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });

  it('rejects inputs that do not broadcast', () => {
    expect(() => infer([x, { dtype: 'float32', shape: [3] }], { program: relu2xb, dtype: 'float32', reduce: 'sum' })).toThrow(
      "Argument 'xs[1]' passed to 'fusedReduce' has shape [3], which does not broadcast with [?,64]",
    );
  });

  describe('in a saved plan', () => {
    const expr = (): ExprGraph => ({
      inputs: [{ name: 'x', dtype: 'float32', shape: [4, 64] }, { name: 'b', dtype: 'float32', shape: [64] }],
      nodes: [
        { id: 0, op: 'input', inputs: [], attrs: { index: 0, name: 'x' }, dtype: 'float32', shape: [4, 64] },
        { id: 1, op: 'input', inputs: [], attrs: { index: 1, name: 'b' }, dtype: 'float32', shape: [64] },
        { id: 2, op: 'fusedReduce', inputs: [0, 1], attrs: { program: relu2xb, dtype: 'float32', reduce: 'sum', axis: [1], keepDims: false }, dtype: 'float32', shape: [4] },
      ],
      consts: new Map(),
      output: { kind: 'node', id: 2 },
      effects: [],
    });
    const plan = (): StreamGraph => ({
      input: [{ name: 'x', kind: 'tensor', dtype: 'float32', shape: [4, 64] }, { name: 'b', kind: 'tensor', dtype: 'float32', shape: [64] }],
      bare: false,
      stages: [{ kind: 'map', position: 0, expr: expr() }],
    });
    const text = serializePlan(plan());

    it('saves and loads unchanged', () => {
      expect(deserializePlan(text)).toEqual(plan());
    });

    it.each([
      ['code in an op name of the program', '"neg; globalThis.pwned = 1; //"', "Argument 'program' passed to 'fusedReduce' is invalid: instruction 5 uses op"],
      ['__proto__ as an op of the program', '"__proto__"', "Argument 'program' passed to 'fusedReduce' is invalid: instruction 5 uses op \"__proto__\""],
    ])('refuses %s, and loading evaluates nothing', (_, op, message) => {
      const tampered = text.replace('"relu"', op);
      expect(tampered).not.toBe(text);
      const fnSpy = jest.spyOn(globalThis, 'Function');
      try {
        expect(() => deserializePlan(tampered)).toThrow(PlanFormatError);
        expect(() => deserializePlan(tampered)).toThrow(message);
        expect(fnSpy).not.toHaveBeenCalled();
      } finally {
        fnSpy.mockRestore();
      }
      expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
    });

    it('refuses a first input of lower rank than the others, which vectorizing would reduce wrongly', () => {
      const doc = JSON.parse(text);
      const n = doc.stages[0].expr.nodes[2];
      n.inputs = [1, 0];
      n.attrs.program = n.attrs.program.map((i: AttrValue[]) => (i[0] === 'input' ? ['input', i[1], 1 - (i[2] as number)] : i));
      expect(() => deserializePlan(JSON.stringify(doc))).toThrow(
        "stage map#0, node %2 ('fusedReduce') has a first input of rank 1; it must have the highest rank of the inputs (2)",
      );
    });

    it('refuses a planted reduction', () => {
      const tampered = text.replace('"reduce": "sum"', '"reduce": "constructor"');
      expect(tampered).not.toBe(text);
      expect(() => deserializePlan(tampered)).toThrow("node %2 ('fusedReduce') is not valid for its inputs and attrs: Argument 'reduce' passed to 'fusedReduce' is \"constructor\"");
    });
  });
});
