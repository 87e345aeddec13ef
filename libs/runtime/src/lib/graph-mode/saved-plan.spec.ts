import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, from, keyBy, map, ops, pipeline, reduce, scan, take, tensor, Tensor, window } from '@weir/dataflow';
import { compile, loadPlan } from '../../index';

const dir = mkdtempSync(join(tmpdir(), 'weir-plan-'));
const W = tensor(Array.from({ length: 8 }, (_, i) => Array.from({ length: 4 }, (_, j) => ((i * 4 + j) % 7) - 3)));
const records = Array.from({ length: 40 }, (_, i) => ({ id: `s${i % 3}`, k: i % 3, x: tensor(Array.from({ length: 8 }, (_, j) => (i + j) % 5)) }));

describe('saved plans', () => {
  it('runs a saved plan with no user code and gives the same output', async () => {
    const t = pipeline(
      map((r: { id: string; k: number; x: Tensor }) => ({ id: r.id, k: r.k, h: ops.relu(ops.matmul(r.x, W)), n: ops.sum(r.x) })),
      filter((r: { n: number }) => ops.greater(r.n, 8)),
      keyBy((r: { k: number }) => r.k),
      scan((acc: number, r: { n: number }) => ops.add(acc, r.n), 0),
      take(20),
    );
    const plan = compile(t, { batchSize: 16 });
    const expected = await plan.collect(records);
    const path = join(dir, 'dense.weir');
    await plan.save(path);
    const loaded = await loadPlan(path);
    expect(await loaded.collect(records)).toEqual(expected);
    expect(loaded.explain()).toContain('matmul(');
  });

  it('saves windows and reduce over numbers', async () => {
    const t = pipeline(map((x: number) => ops.mul(x, 3)), window({ size: 4 }), take(3));
    const plan = compile(t);
    const expected = await plan.collect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    await plan.save(join(dir, 'win.weir'));
    expect(await (await loadPlan(join(dir, 'win.weir'))).collect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])).toEqual(expected);
    const sum = compile(pipeline(reduce((a: number, x: number) => ops.add(a, x), 0)));
    await sum.collect([1, 2]);
    await sum.save(join(dir, 'sum.weir'));
    expect(await (await loadPlan(join(dir, 'sum.weir'))).collect([5, 6, 7])).toEqual([18]);
  });

  it('refuses to save a graph break, naming the stage and why', async () => {
    const plan = compile(pipeline(map((x: number) => x * 2)));
    await plan.collect([1]);
    await expect(plan.save(join(dir, 'break.weir'))).rejects.toThrow(/map#0/);
    await expect(plan.save(join(dir, 'break.weir'))).rejects.toThrow(/user code|no code/);
  });

  it('refuses to save before the plan has been traced', async () => {
    await expect(compile(pipeline(map((x: number) => ops.mul(x, 2)))).save(join(dir, 'x.weir'))).rejects.toThrow('has not been traced yet');
  });

  it('rejects a tampered file and runs nothing from it', async () => {
    const plan = compile(pipeline(map((x: number) => ops.mul(x, 2))));
    await plan.collect([1]);
    const path = join(dir, 'tamper.weir');
    await plan.save(path);
    const text = readFileSync(path, 'utf8').replace('"op": "mul"', '"op": "globalThis.__weirPwned=1"').replace('"op":"mul"', '"op":"globalThis.__weirPwned=1"');
    writeFileSync(path, text);
    await expect(loadPlan(path)).rejects.toThrow(/globalThis.__weirPwned/);
    expect((globalThis as Record<string, unknown>).__weirPwned).toBeUndefined();
  });

  it('checks the input against the schema the plan was compiled for', async () => {
    const plan = compile(pipeline(map((r: { x: Tensor }) => ({ y: ops.sum(r.x) }))));
    await plan.collect([{ x: tensor([1, 2, 3]) }]);
    await plan.save(join(dir, 'schema.weir'));
    const loaded = await loadPlan(join(dir, 'schema.weir'));
    await expect(loaded.collect([{ x: tensor([1, 2]) }])).rejects.toThrow("Stage map#0 of the saved plan reads field 'x' as float32[3], but the input has tensor float32[2]");
  });

  it('keeps a Flow source out of the saved file but samples it to trace', async () => {
    const plan = compile(from([1, 2, 3]).pipe(map((x: number) => ops.add(x, 1))));
    await plan.save(join(dir, 'flow.weir'));
    expect(await (await loadPlan(join(dir, 'flow.weir'))).collect([10])).toEqual([11]);
  });
});
