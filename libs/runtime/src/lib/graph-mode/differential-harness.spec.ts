// Tests of the differential harness itself: the comparison contract, that a wrong backend is caught and its
// failure prints as readable code, and that the generators make valid, non-trivial cases (a property over
// cases that all fail the same way in both modes would pass vacuously).
import fc from 'fast-check';
import { from, map, ops, tensor } from '@weir/dataflow';
import type { Flow, Tensor } from '@weir/dataflow';
import { eagerCollect } from '@weir/eager';
import {
  arbOpGraph, arbPipeline, arbPool, compareOutputs, fcParameters, flowDisagreement, fnDisagreement, formatProgram, graphRunner,
  GraphRunner, inputsFromPool, OpProgram, pipelineFlow, programFunction,
} from '../../testing/differential';

const paths = (e: unknown, a: unknown) => compareOutputs(e, a).map((m) => m.path);

describe('compareOutputs: the documented tolerance', () => {
  it('accepts float32 within rtol 1e-5 / atol 1e-6 and rejects more', () => {
    expect(compareOutputs(tensor([1, 1000, 0]), tensor([1.000005, 1000.004, 5e-7]))).toEqual([]);
    expect(paths(tensor([1, 2]), tensor([1, 2.001]))).toEqual(['[1]']);
    expect(paths(tensor([0]), tensor([1e-5]))).toEqual(['[0]']);
  });

  it('holds float64 to rtol 1e-12 and integers, booleans and strings to exact equality', () => {
    expect(paths(tensor([1], 'float64'), tensor([1 + 1e-9], 'float64'))).toEqual(['[0]']);
    expect(compareOutputs(tensor([1], 'float64'), tensor([1 + 1e-13], 'float64'))).toEqual([]);
    expect(paths(tensor([7], 'int32'), tensor([8], 'int32'))).toEqual(['[0]']);
    expect(paths([true, 'a'], [false, 'a'])).toEqual(['[0]']);
    expect(paths(['a'], ['b'])).toEqual(['[0]']);
  });

  it('compares plain numbers at the float32 tolerance: a number may hold a float32 rank-0 result', () => {
    expect(compareOutputs([0.1], [Math.fround(0.1)])).toEqual([]);
    expect(paths([0.1], [0.1001])).toEqual(['[0]']);
  });

  it('requires the same dtype, shape, length and order', () => {
    expect(compareOutputs(tensor([1, 2], 'int32'), tensor([1, 2], 'float32'))[0].message).toBe('expected a tensor int32[2], got float32[2]');
    expect(compareOutputs(tensor([[1, 2]]), tensor([1, 2]))[0].message).toBe('expected a tensor float32[1,2], got float32[2]');
    expect(paths([1, 2], [2, 1])).toEqual(['[0]', '[1]']);
    expect(compareOutputs([1, 2], [1])[0].message).toBe('expected 2 elements, got 1');
    expect(compareOutputs(tensor(3), 3)[0].message).toBe('expected a tensor float32[] 3, got 3');
  });

  it('treats NaN as equal to NaN, an infinity only as itself, and -0 as 0', () => {
    expect(compareOutputs([NaN, tensor([NaN, -0]), -0], [NaN, tensor([NaN, 0]), 0])).toEqual([]);
    expect(paths([Infinity, tensor([Infinity])], [-Infinity, tensor([1e38])])).toEqual(['[0]', '[1][0]']);
    expect(paths([NaN], [0])).toEqual(['[0]']);
  });

  it('compares records as sets of fields, and names the path of each difference', () => {
    expect(compareOutputs({ a: 1, b: 'x' }, { b: 'x', a: 1 })).toEqual([]);
    expect(compareOutputs({ a: 1 }, { a: 1, b: undefined })[0].message).toBe('expected fields {a}, got {a, b}');
    expect(paths([{ y: tensor([[1, 2], [3, 4]]) }], [{ y: tensor([[1, 2], [3, 5]]) }])).toEqual(['[0].y[1,1]']);
  });

  it('takes looser tolerances from a runner whose contract says so', () => {
    expect(compareOutputs(tensor([1]), tensor([1.001]), { float32: { rtol: 1e-2, atol: 0 } })).toEqual([]);
  });
});

describe('a wrong backend is caught, and its failure prints as code', () => {
  const real = graphRunner();
  const check = async (runner: GraphRunner, arb: fc.Arbitrary<unknown>, run: (c: any) => Promise<string | null>) => {
    const out = await fc.check(fc.asyncProperty(arb, async (c) => {
      const d = await run(c);
      if (d !== null) throw new Error(d);
    }), { ...fcParameters(100), numRuns: 100 });
    expect(out.failed).toBe(true);
    // The counterexample as fast-check prints it, then the disagreement the property threw.
    return `${fc.defaultReportMessage(out) ?? ''}\n${out.errorInstance instanceof Error ? out.errorInstance.message : ''}`;
  };

  it('reports a runner that reorders its output, with the pipeline as code', async () => {
    const reversed: GraphRunner = { name: 'reversed', runFlow: async (f, o) => (await real.runFlow(f, o)).reverse() };
    const report = await check(reversed, arbPipeline(), (c) => flowDisagreement(reversed, () => pipelineFlow(c), { batchSize: c.batchSize }));
    expect(report).toContain('from(rows).pipe(');
    expect(report).toContain('reversed disagrees with eager');
  });

  it('reports a compiled function off by 1e-3 on floats, with the program as code', async () => {
    const nudge = (x: unknown): unknown => (x instanceof Array ? x.map(nudge) : isFloatTensor(x) ? ops.add(x, 1e-3) : x);
    const off: GraphRunner = { name: 'nudged', runFlow: real.runFlow, compileFn: (f) => (...a) => nudge((real.compileFn as NonNullable<GraphRunner['compileFn']>)(f)(...a)) };
    const report = await check(off, fc.tuple(arbOpGraph({ inputKinds: ['tensor'] }), arbPool), ([p, pool]: [OpProgram, number[]]) => {
      const f = programFunction(p);
      return fnDisagreement(off, (...xs: unknown[]) => f(ops, ...xs), [inputsFromPool(p.inputs, pool, 0)]);
    });
    // The shrunk program may keep several arguments under another WEIR_FC_SEED: (x0: float32[], x1: ...) => {
    expect(report).toMatch(/\(x0: \w+\[[\d,]*\](, x\d+: \w+\[[\d,]*\])*\) => \{/);
    expect(report).toContain('nudged disagrees with eager');
  });

  it('reports a runner that fails where eager succeeds, and one that fails with another message', async () => {
    const flow = (): { flow: Flow<unknown> } => ({ flow: from([1, 2]).pipe(map((x: number) => ops.mul(x, 2))) });
    const throws: GraphRunner = { name: 'throws', runFlow: async () => { throw new Error('boom'); } };
    expect(await flowDisagreement(throws, flow)).toContain('eager succeeds but throws fails: boom');
    const bad = (): { flow: Flow<unknown> } => ({ flow: from([0]).pipe(map((i: number) => ops.gather(tensor([1]), ops.cast(ops.add(i, 5), 'int32')))) });
    const other: GraphRunner = { name: 'other', runFlow: async () => { throw new Error('another message'); } };
    expect(await flowDisagreement(other, bad)).toContain('eager and other fail differently');
    expect(await flowDisagreement(real, bad)).toBeNull();
  });
});

function isFloatTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && 'dtype' in x && ((x as Tensor).dtype === 'float32' || (x as Tensor).dtype === 'float64');
}

describe('the generators make valid, non-trivial cases', () => {
  it('random op graphs run eagerly without error and cover every op family', () => {
    const cases = fc.sample(fc.tuple(arbOpGraph(), arbPool), { seed: 7, numRuns: 300 });
    for (const [p, pool] of cases) expect(() => programFunction(p)(ops, ...inputsFromPool(p.inputs, pool, 0))).not.toThrow();
    const ops_ = new Set(cases.flatMap(([p]) => p.nodes.map((n) => n.op)));
    for (const op of ['add', 'where', 'cast', 'sum', 'argmax', 'matmul', 'transpose', 'reshape', 'expandDims', 'squeeze', 'concat', 'stack', 'slice', 'softmax', 'gather', 'cond']) {
      expect(ops_).toContain(op);
    }
    expect(cases.reduce((n, [p]) => n + p.nodes.length, 0) / cases.length).toBeGreaterThan(3);
  });

  it('random op graphs are plain JSON: a program read back from JSON computes the same', () => {
    for (const [p, pool] of fc.sample(fc.tuple(arbOpGraph(), arbPool), { seed: 9, numRuns: 100 })) {
      const back = JSON.parse(JSON.stringify(p)) as OpProgram;
      const inputs = inputsFromPool(p.inputs, pool, 0);
      expect(compareOutputs(programFunction(p)(ops, ...inputs), programFunction(back)(ops, ...inputs), { float32: { rtol: 0, atol: 0 }, float64: { rtol: 0, atol: 0 } })).toEqual([]);
      expect(formatProgram(back)).toBe(formatProgram(p));
    }
  });

  it('random pipelines run eagerly without error, and most emit something', async () => {
    const cases = fc.sample(arbPipeline(), { seed: 7, numRuns: 150 });
    let nonEmpty = 0;
    for (const c of cases) if ((await eagerCollect(pipelineFlow(c).flow)).length > 0) nonEmpty++;
    expect(nonEmpty / cases.length).toBeGreaterThan(0.6);
    const kinds = new Set(cases.flatMap((c) => c.stages.map((s) => s.kind)));
    expect([...kinds].sort()).toEqual(['batch', 'countWindow', 'filter', 'keyBy', 'map', 'reduce', 'scan', 'skip', 'take', 'timeWindow']);
  });

  it('formatProgram prints what programFunction computes', () => {
    const p: OpProgram = {
      inputs: [{ name: 'x0', kind: 'tensor', dtype: 'float32', shape: [2, 3] }],
      nodes: [
        { op: 'sum', args: [{ input: 0 }], extra: [[1], true] },
        { op: 'concat', args: [{ node: 0 }, { tensor: { dtype: 'int32', shape: [2, 1], values: [5, 6] } }], extra: [1], list: true },
        { op: 'mul', args: [{ node: 1 }, { num: 0.5 }], extra: [], method: true },
      ],
      outputs: [{ node: 2 }],
      outputTypes: [{ dtype: 'float32', shape: [2, 2] }],
      nodeTypes: [{ dtype: 'float32', shape: [2, 1] }, { dtype: 'float32', shape: [2, 2] }, { dtype: 'float32', shape: [2, 2] }],
      modeSensitive: false,
    };
    expect(formatProgram(p)).toBe(
      [
        '(x0: float32[2,3]) => {',
        '  const v0 = ops.sum(x0, [1], true);',
        "  const v1 = ops.concat([v0, tensor([5, 6], 'int32', [2, 1])], 1);",
        '  const v2 = v1.mul(0.5);',
        '  return v2;',
        '}',
      ].join('\n'),
    );
    const out = programFunction(p)(ops, tensor([[1, 2, 3], [4, 5, 6]])) as Tensor;
    expect(out.toArray()).toEqual([[3, 2.5], [7.5, 3]]);
  });

  it('draws inputs from the pool in turn, stored as typed arrays store them (ints truncate and wrap, bool is != 0)', () => {
    const [f, u, b, n] = inputsFromPool(
      [
        { name: 'f', kind: 'tensor', dtype: 'float32', shape: [2] },
        { name: 'u', kind: 'tensor', dtype: 'uint8', shape: [2] },
        { name: 'b', kind: 'tensor', dtype: 'bool', shape: [2] },
        { name: 'n', kind: 'number' },
      ],
      [-1.5, 2, -3, 0.5],
      0,
    ) as [Tensor, Tensor, Tensor, number];
    // Input i starts at pool[offset + 3i], cycling: f from 0, u from 3, b from 6, n at 9.
    expect(f.toArray()).toEqual([-1.5, 2]);
    expect(u.toArray()).toEqual([0, 255]);
    expect(b.toArray()).toEqual([true, false]);
    expect(n).toBe(2);
  });
});

describe('fcParameters', () => {
  it('uses seed 42 and the given runs in CI, and WEIR_FC_SEED / WEIR_FC_RUNS / WEIR_FC_PATH when set', () => {
    expect(fcParameters(50, {})).toEqual({ seed: 42, numRuns: 50 });
    expect(fcParameters(50, { WEIR_FC_SEED: '7', WEIR_FC_RUNS: '5000' })).toEqual({ seed: 7, numRuns: 5000 });
    expect(() => fcParameters(50, { WEIR_FC_RUNS: 'many' })).toThrow('WEIR_FC_RUNS is "many"; expected an integer >= 1');
    expect(fcParameters(50, { WEIR_FC_SEED: '3', WEIR_FC_PATH: '12:0:4' })).toEqual({ seed: 3, numRuns: 50, path: '12:0:4' });
  });
});
