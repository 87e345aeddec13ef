import { filter, from, map, ops, pipeline, reduce, setWarningHandler, tensor, Tensor } from '@weir/dataflow';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eagerCollect } from '@weir/eager';
import fc from 'fast-check';
import { compile, loadPlan } from '../../index';
import { BARE } from './batch';
import { foldEvaluator } from './fold-batch';
import { traceRowFn } from './stage-trace';

const scalarChain = (xs: number[]) =>
  from(xs).pipe(
    map((x: number) => ops.add(ops.mul(x, 2), 1)),
    filter((y: number) => ops.notEqual(ops.mod(y, 3), 0)),
    reduce((a: number, y: number) => ops.add(a, y), 0),
  );

/** The per-element step of the scalar chain, traced: y = x * 2 + 1, kept where y mod 3 != 0. */
function scalarStep() {
  const tr = traceRowFn((x: number) => {
    const y = ops.add(ops.mul(x, 2), 1);
    return [y, ops.notEqual(ops.mod(y, 3), 0)];
  }, [{ name: BARE, kind: 'number', dtype: 'float64' }], true, true);
  if (!('expr' in tr) || tr.expr.output.kind !== 'array') throw new Error('expected a traced pair');
  const [term, keep] = tr.expr.output.items;
  return { traced: tr.expr, term, keep };
}

const SUM = { op: 'add', reduce: 'sum', term: -1 } as const;

describe('a map/filter chain with the unkeyed reduce after it, folded batch by batch (operatorFusion)', () => {
  const xs = Array.from({ length: 1000 }, (_, i) => i - 300);
  const expected = xs.map((x) => x * 2 + 1).filter((y) => ((y % 3) + 3) % 3 !== 0).reduce((a, y) => a + y, 0);

  it('gives the sequential sum, fused and unfused, and says the three stages run as one', async () => {
    const flow = scalarChain(xs);
    const plan = compile(flow, { batchSize: 64 });
    expect(await plan.collect()).toEqual([expected]);
    expect(await compile(flow, { batchSize: 64, passes: { operatorFusion: false } }).collect()).toEqual([expected]);
    expect(await eagerCollect(flow)).toEqual([expected]);
    const text = plan.explain();
    expect(text).toContain('stage map#0  [vectorized over the batch, fused with the next stage]');
    expect(text).toContain('stage filter#1  [vectorized over the batch, fused with the next stage]');
    expect(text).toMatch(/stage reduce#2 .*sum/);
    // What runs per batch: one fusedReduce over the column.
    expect(text).toContain('each batch, with the stages fused into it (one batch-level graph):');
    expect(text).toMatch(/= fusedReduce\(%0, /);
  });

  it('writes the batch step of a scalar chain as ONE fusedReduce node (one generated loop, no column built)', () => {
    const { traced, term, keep } = scalarStep();
    const evaluate = foldEvaluator(traced, term, keep, SUM, undefined);
    const ops_ = evaluate?.batchGraph?.nodes.filter((n) => n.op !== 'input' && n.op !== 'const').map((n) => n.op);
    expect(ops_).toEqual(['fusedReduce']);
    const column = tensor(Float64Array.from(xs), 'float64', [xs.length]);
    const batch = { length: xs.length, bare: true, columns: new Map([[BARE, { kind: 'number' as const, tensor: column }]]), src: new Float64Array(xs.length) };
    expect(evaluate?.(batch, [BARE])?.item()).toBe(expected);
    // With fusion off the same step runs unfused, to the same answer.
    const unfused = foldEvaluator(traced, term, keep, SUM, { fusion: false, fusedReduce: false });
    expect(unfused?.batchGraph?.nodes.some((n) => n.op === 'fusedReduce' || n.op === 'fused')).toBe(false);
    expect(unfused?.(batch, [BARE])?.item()).toBe(expected);
  });

  it('loops over a column still in its source JS array in place, never copying it into a typed array', () => {
    const { traced, term, keep } = scalarStep();
    const evaluate = foldEvaluator(traced, term, keep, SUM, undefined);
    const source = [7, 7, 7, ...xs];
    // Reading `tensor` would copy the run out: here it throws, so only the in-place loop can answer.
    const column = { kind: 'number' as const, run: { values: source, start: 3, checked: true }, get tensor(): Tensor { throw new Error('copied'); } };
    const batch = { length: xs.length, bare: true, columns: new Map([[BARE, column]]), src: new Float64Array(xs.length) };
    expect(evaluate?.(batch, [BARE])?.item()).toBe(expected);
  });

  it('saves a plan that ran folded; loaded, each stage runs from its own graph to the same answer', async () => {
    const t = pipeline(
      map((x: number) => ops.add(ops.mul(x, 2), 1)),
      filter((y: number) => ops.notEqual(ops.mod(y, 3), 0)),
      reduce((a: number, y: number) => ops.add(a, y), 0),
    );
    const plan = compile(t, { batchSize: 64 });
    expect(await plan.collect(xs)).toEqual([expected]);
    const path = join(mkdtempSync(join(tmpdir(), 'weir-fold-')), 'fold.weir');
    await plan.save(path);
    expect(await (await loadPlan(path)).collect(xs)).toEqual([expected]);
  });

  it('a batch whose rows the filter all drops contributes nothing', async () => {
    const chain = from([1, 4, 7, 10]).pipe(
      map((x: number) => ops.add(ops.mul(x, 2), 1)),
      filter((y: number) => ops.notEqual(ops.mod(y, 3), 0)),
      reduce((a: number, y: number) => ops.add(a, y), 0),
    );
    expect(await compile(chain, { batchSize: 2 }).collect()).toEqual([0]);
  });

  it('folds max and min with the filter masking rows out (identity: -Infinity / Infinity)', async () => {
    const vals = [3, -7, 12, 5, -1, 8, 0, 40];
    const base = (step: (a: number, y: number) => unknown, seed: number) =>
      from(vals).pipe(map((x: number) => ops.sub(x, 1)), filter((y: number) => ops.less(y, 10)), reduce(step, seed));
    for (const [step, seed] of [[(a: number, y: number) => ops.maximum(a, y), -1000], [(a: number, y: number) => ops.minimum(a, y), 1000]] as const) {
      const flow = base(step, seed);
      expect(await compile(flow, { batchSize: 3 }).collect()).toEqual(await eagerCollect(flow));
    }
  });

  it('wraps int32 sums exactly as sequential adds do', async () => {
    const flow = from(Array.from({ length: 300 }, (_, i) => i)).pipe(
      map((x: number) => ops.mul(ops.cast(x, 'int32'), tensor(20000000, 'int32'))),
      filter((y: Tensor) => ops.notEqual(ops.mod(y, tensor(7, 'int32')), tensor(0, 'int32'))),
      reduce((a: Tensor, y: Tensor) => ops.add(a, y), tensor(0, 'int32')),
    );
    const [got] = (await compile(flow, { batchSize: 64 }).collect()) as number[];
    const [want] = (await eagerCollect(flow)) as number[];
    expect(got).toBe(want);
  });

  it('folds tensor-valued terms (vectorized, then reduced over the batch)', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ x: tensor([i % 7, -(i % 5), 2], 'float32'), k: i }));
    const flow = from(rows).pipe(
      map((r: { x: Tensor; k: number }) => ({ s: ops.sum(ops.relu(ops.sub(ops.mul(r.x, 2), 1))), k: r.k })),
      filter((r: { k: number }) => ops.greater(ops.mod(r.k, 4), 0)),
      reduce((a: Tensor, r: { s: Tensor }) => ops.add(a, r.s), tensor(0, 'float64')),
    );
    const [got] = (await compile(flow, { batchSize: 16 }).collect()) as number[];
    const [want] = (await eagerCollect(flow)) as number[];
    expect(got).toBeCloseTo(want, 6);
  });

  it('keeps a reduce that does not fold as its own stage, with the sequential result', async () => {
    const flow = from([1, 2, 3, 4, 5]).pipe(map((x: number) => ops.mul(x, 2)), reduce((a: number, y: number) => ops.add(ops.mul(a, 0.5), y), 0));
    const plan = compile(flow, { batchSize: 2 });
    expect(await plan.collect()).toEqual(await eagerCollect(flow));
    const text = plan.explain();
    expect(text).toContain('stage map#0  [vectorized over the batch]');
    expect(text).not.toContain('not traced yet');
  });

  it('names the failing stage and source element inside a folded chain, and skips it under errors: skip', async () => {
    const table = tensor([10, 20, 30]);
    const flow = from([0, 1, 2, 5, 1]).pipe(
      map((i: number) => ops.gather(table, ops.cast(i, 'int32'))),
      reduce((a: number, y: number) => ops.add(a, y), 0),
    );
    await expect(compile(flow).collect()).rejects.toThrow(/^Stage map#0 \(op 'gather'\) failed on source element 3: /);
    const warnings: string[] = [];
    const prev = setWarningHandler((w) => warnings.push(w.message));
    try {
      expect(await compile(flow, { errors: 'skip' }).collect()).toEqual([80]);
    } finally {
      setWarningHandler(prev);
    }
    expect(warnings).toEqual(["Weir: 1 record(s) failed and were skipped by the 'skip' error policy"]);
  });
});

describe('folded chains over JS arrays of numbers (read in place) agree with eager', () => {
  const value = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
    { weight: 3, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0, 2 ** 31, -(2 ** 31)) },
  );
  const steps = {
    sum: (a: number, y: number) => ops.add(a, y),
    max: (a: number, y: number) => ops.maximum(a, y),
    min: (a: number, y: number) => ops.minimum(a, y),
  } as const;

  it('for random inputs, batch sizes, constants and folds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(value, { maxLength: 60 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: -3, max: 3 }), fc.integer({ min: -4, max: 4 }),
        fc.constantFrom('sum', 'max', 'min'),
        async (xs, batchSize, a, m, fold) => {
          const flow = from(xs).pipe(
            map((x: number) => ops.add(ops.mul(x, a), 1)),
            filter((y: number) => ops.notEqual(ops.mod(y, m), 0)),
            reduce(steps[fold as keyof typeof steps], fold === 'sum' ? 0 : fold === 'max' ? -Infinity : Infinity),
          );
          const [want] = (await eagerCollect(flow)) as number[];
          const [got] = (await compile(flow, { batchSize }).collect()) as number[];
          // Batch-by-batch sums round differently from one running sum; max/min and NaN are exact.
          if (Number.isNaN(want) || !Number.isFinite(want) || fold !== 'sum') expect(Object.is(got, want) || got === want).toBe(true);
          else expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, ...xs.map((x) => Math.abs(x * a) + 1)) * xs.length);
        },
      ),
      { seed: 7, numRuns: 150 },
    );
  });
});

describe('unchecked number runs: a folded chain checks the source array as it reads it', () => {
  const fold = () => pipeline(
    map((x: number) => ops.add(ops.mul(x, 2), 1)),
    filter((y: number) => ops.notEqual(ops.mod(y, 3), 0)),
    reduce((a: number, y: number) => ops.add(a, y), 0),
  );
  /** The same pipeline's outcome under a policy: its output, or its error, and what the dead letter got. */
  async function outcome(xs: unknown[], passes: Record<string, boolean>, errors: 'fail' | 'skip' | 'deadLetter') {
    const dead: unknown[] = [];
    const policy = errors === 'deadLetter' ? { deadLetter: (r: unknown, e: Error) => dead.push([r, e.message]) } : errors;
    const prev = setWarningHandler(() => undefined);
    try {
      const plan = compile(from(xs).pipe(fold()), { batchSize: 4, passes, errors: policy });
      const out = await plan.collect().then((v) => ({ out: v }), (e: Error) => ({ error: e.message }));
      return { ...out, dead, rowsIn: plan.lastStats?.rowsIn };
    } finally {
      setWarningHandler(prev);
    }
  }

  it.each([
    ['a string in the middle of a batch', [1, 2, 'x', 4, 5, 6, 7, 8, 9]],
    ['undefined last in a batch', [1, 2, 3, undefined, 5, 6, 7, 8, 9]],
    ['null first in a later batch', [1, 2, 3, 4, null, 6, 7, 8, 9]],
    ['a hole', [1, 2, 3, 4, 5, , 7, 8, 9]],
    ['a boolean', [1, 2, 3, 4, 5, 6, 7, true, 9]],
  ] as [string, unknown[]][])('%s: the same outcome as without operator fusion (which checks first), under fail, skip and deadLetter', async (_, xs) => {
    for (const errors of ['fail', 'skip', 'deadLetter'] as const) {
      const fused = await outcome(xs, {}, errors);
      const unfused = await outcome(xs, { operatorFusion: false }, errors);
      expect([errors, fused]).toEqual([errors, unfused]);
    }
  });

  it('folds an all-number array in place without a check pass, and gets the eager answer', async () => {
    const xs = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000 - 500);
    expect(await compile(from(xs).pipe(fold()), { batchSize: 64 }).collect()).toEqual(await eagerCollect(from(xs).pipe(fold())));
  });

  it('gives a stage that does not check as it reads the checked batch', async () => {
    // A plain map first (its own stage with operator fusion off): it must see the string as a string.
    const flow = from([1, 2, 'x', 4]).pipe(map((x: number) => ops.mul(x, 2)));
    await expect(compile(flow, { passes: { operatorFusion: false } }).collect()).rejects.toThrow(/source element 2/);
  });
});
