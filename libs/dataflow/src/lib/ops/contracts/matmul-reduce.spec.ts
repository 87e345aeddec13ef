import type { ExprGraph } from '../../ir/expr';
import { serializePlan } from '../../ir/serialize';
import type { StreamGraph } from '../../ir/stream';
import { deserializePlan, PlanFormatError } from '../../ir/validate';
import { AttrValue, getContract, OpError, ValueInfo } from '../contract';
import './index';

const biasRelu: AttrValue[] = [['input', 'float32', 0], ['input', 'float32', 1], ['add', 'float32', 0, 1], ['relu', 'float32', 2]];
const x: ValueInfo = { dtype: 'float32', shape: [null, 256] };
const w: ValueInfo = { dtype: 'float32', shape: [256, 64] };
const b: ValueInfo = { dtype: 'float32', shape: [64] };
const infer = (xs: ValueInfo[], attrs: Record<string, AttrValue>) => getContract('matmulReduce').infer(xs, attrs);

describe("the 'matmulReduce' contract", () => {
  it('gives what fusedReduce of the product gives, with unknown dimensions and the normalized axes', () => {
    const r = infer([x, w, b], { program: biasRelu, dtype: 'float32', reduce: 'sum', axis: -1 });
    expect([r.dtype, r.shape]).toEqual(['float32', [null]]);
    expect(r.attrs).toMatchObject({ axes: [1], keepDims: false });
    const perElement = infer([{ dtype: 'float32', shape: [256] }, w, b], { program: biasRelu, dtype: 'float32', reduce: 'max', axis: 0, keepDims: true });
    expect([perElement.shape, perElement.attrs?.axes]).toEqual([[1], [0]]);
  });

  it.each([
    ['operands that do not multiply', [x, b], "Argument 'b' passed to 'matmulReduce' has shape [64]; expected [256,*]"],
    ['a missing operand', [x], "Argument 'b' passed to 'matmulReduce' is missing"],
    ['a bias that does not broadcast', [x, w, { dtype: 'float32', shape: [3] }], "Argument 'xs[0]' passed to 'matmulReduce' has shape [3], which does not broadcast with [?,64]"],
    ['a second extra input that does not broadcast', [x, w, b, { dtype: 'float32', shape: [5] }], "Argument 'xs[1]' passed to 'matmulReduce' has shape [5], which does not broadcast with [?,64]"],
  ] as [string, ValueInfo[], string][])('rejects %s, naming itself', (_, xs, message) => {
    const call = () => infer(xs, { program: biasRelu, dtype: 'float32', reduce: 'sum', axis: -1 });
    expect(call).toThrow(OpError);
    expect(call).toThrow(message);
  });

  it('rejects a planted reduction or program as fusedReduce does, naming itself', () => {
    expect(() => infer([x, w, b], { program: biasRelu, dtype: 'float32', reduce: 'constructor', axis: -1 })).toThrow("Argument 'reduce' passed to 'matmulReduce' is \"constructor\"");
    expect(() => infer([x, w, b], { program: [['input', 'float32', 0], ['__proto__', 'float32', 0]], dtype: 'float32', reduce: 'sum', axis: -1 })).toThrow(
      "Argument 'program' passed to 'matmulReduce' is invalid: instruction 1 uses op \"__proto__\"",
    );
  });

  describe('in a saved plan', () => {
    const expr = (): ExprGraph => ({
      inputs: [{ name: 'x', dtype: 'float32', shape: [256] }, { name: 'w', dtype: 'float32', shape: [256, 64] }, { name: 'b', dtype: 'float32', shape: [64] }],
      nodes: [
        { id: 0, op: 'input', inputs: [], attrs: { index: 0, name: 'x' }, dtype: 'float32', shape: [256] },
        { id: 1, op: 'input', inputs: [], attrs: { index: 1, name: 'w' }, dtype: 'float32', shape: [256, 64] },
        { id: 2, op: 'input', inputs: [], attrs: { index: 2, name: 'b' }, dtype: 'float32', shape: [64] },
        { id: 3, op: 'matmulReduce', inputs: [0, 1, 2], attrs: { program: biasRelu, dtype: 'float32', reduce: 'sum', axis: [0], keepDims: false }, dtype: 'float32', shape: [] },
      ],
      consts: new Map(),
      output: { kind: 'node', id: 3 },
      effects: [],
    });
    const plan = (): StreamGraph => ({
      input: [
        { name: 'x', kind: 'tensor', dtype: 'float32', shape: [256] },
        { name: 'w', kind: 'tensor', dtype: 'float32', shape: [256, 64] },
        { name: 'b', kind: 'tensor', dtype: 'float32', shape: [64] },
      ],
      bare: false,
      stages: [{ kind: 'map', position: 0, expr: expr() }],
    });
    const text = serializePlan(plan());

    it('saves and loads unchanged', () => {
      expect(deserializePlan(text)).toEqual(plan());
    });

    it('refuses code in an op name of the program, and loading evaluates nothing', () => {
      const tampered = text.replace('"relu"', '"neg; globalThis.pwned = 1; //"');
      expect(tampered).not.toBe(text);
      const fnSpy = jest.spyOn(globalThis, 'Function');
      try {
        expect(() => deserializePlan(tampered)).toThrow(PlanFormatError);
        expect(() => deserializePlan(tampered)).toThrow("Argument 'program' passed to 'matmulReduce' is invalid: instruction 3 uses op");
        expect(fnSpy).not.toHaveBeenCalled();
      } finally {
        fnSpy.mockRestore();
      }
      expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
    });

    it('refuses a reduced input of higher rank than the product, which vectorizing would reduce wrongly', () => {
      const doc = JSON.parse(text);
      doc.input[2].shape = [3, 64];
      doc.stages[0].expr.inputs[2].shape = [3, 64];
      doc.stages[0].expr.nodes[2].shape = [3, 64];
      doc.stages[0].expr.nodes[3].shape = [3];
      expect(() => deserializePlan(JSON.stringify(doc))).toThrow(
        "stage map#0, node %3 ('matmulReduce') has a product of rank 1; it must have the highest rank of the reduced inputs (2)",
      );
    });
  });
});
