import { filter, flatMap, keyBy, map, ops, pipeline, scan } from '@weir/dataflow';
import '@weir/eager';
import { DebugSession } from './session';

describe('DebugSession', () => {
  it("records each stage's outputs for one source element at a time, keyed state included", () => {
    const s = new DebugSession(
      pipeline(
        map((r: { k: string; v: number }) => ({ k: r.k, v: ops.mul(r.v, 10) })),
        filter((r: { v: number }) => ops.greater(r.v, 15)),
        keyBy((r: { k: string }) => r.k),
        scan((acc: number, r: { v: number }) => ops.add(acc, r.v), 0),
      ),
    );
    expect(s.labels).toEqual(['map#0', 'filter#1', 'keyBy#2', 'scan#3']);
    const a = s.push({ k: 'a', v: 1 });
    expect(a.index).toBe(0);
    expect(a.stages.map((t) => t.outputs.length)).toEqual([1, 0, 0, 0]);
    expect(a.outputs).toEqual([]);
    const b = s.push({ k: 'a', v: 2 });
    expect(b.index).toBe(1);
    expect(b.stages.map((t) => t.outputs.length)).toEqual([1, 1, 1, 1]);
    expect(b.outputs).toEqual([20]);
    s.push({ k: 'b', v: 3 });
    const c = s.push({ k: 'a', v: 4 });
    // The scan keeps its state per key across steps, as in a plain eager run: 20 + 40.
    expect(c.outputs).toEqual([60]);
    const end = s.end();
    expect(end.index).toBe('end');
    expect(s.finished).toBe(true);
  });

  it('records every output of a stage that emits several', () => {
    const s = new DebugSession(pipeline(flatMap((x: number) => [x, x + 1]), map((x: number) => ops.mul(x, 2))));
    const step = s.push(1);
    expect(step.stages[0].outputs).toEqual([1, 2]);
    expect(step.outputs).toEqual([2, 4]);
  });

  it("names a failing stage by the pipeline's own position, not the instrumented chain's", () => {
    const s = new DebugSession(pipeline(map((x: number) => x), map((x: number) => ops.reshape(x, [2]))));
    const step = s.push(1);
    expect(step.error?.message).toMatch(/^Stage map#1 \(op 'reshape'\) failed on source element 0/);
    expect(s.finished).toBe(true);
  });
});
