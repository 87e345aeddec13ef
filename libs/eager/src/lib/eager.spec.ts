import { filter, from, map, merge, ops, scan, take, tensor, zip, type Tensor } from '@weir/dataflow';
import { eager, eagerCollect, eagerIterate } from './eager';

function* naturals(counter: { pulled: number; released: boolean }) {
  try {
    for (let i = 0; ; i++) {
      counter.pulled++;
      yield i;
    }
  } finally {
    counter.released = true;
  }
}

describe('eager', () => {
  it('emits synchronously for synchronous sources', () => {
    const out: unknown[] = [];
    eager(from([1, 2]).pipe(map((x: number) => x * 3))).subscribe((v) => out.push(v));
    expect(out).toEqual([3, 6]);
  });

  it('gives the same result for two concurrent runs of one flow', async () => {
    async function* src() {
      for (let i = 1; i <= 5; i++) {
        await new Promise((r) => setTimeout(r, 1));
        yield i;
      }
    }
    // One async iterable can be iterated only once, so each run gets its own via a fresh flow over one chain.
    const chain = [map((x: number) => x * 2), scan((acc: number, x: number) => acc + x, 0)] as const;
    const [a, b] = await Promise.all([eagerCollect(from(src()).pipe(...chain)), eagerCollect(from(src()).pipe(...chain))]);
    expect(a).toEqual([2, 6, 12, 20, 30]);
    expect(b).toEqual(a);
  });

  it('rejects a flow without a source', () => {
    let error: unknown;
    eager({ source: null, operators: [] }).subscribe({ error: (e) => (error = e) });
    expect(String(error)).toContain('eager() needs a Flow with a source');
  });

  it('runs a tensor pipeline op by op, with scalars becoming numbers', async () => {
    const w = tensor([
      [1, 0],
      [0, 2],
      [1, 1],
    ]);
    const flow = from([tensor([[1, 2, 3]]), tensor([[0, 1, 0]])]).pipe(
      map((x: Tensor) => ops.relu(ops.matmul(x, w))),
      map((h: Tensor) => ({ h, total: ops.sum(h) })),
      filter((r: { total: number }) => ops.greater(r.total, 2)),
    );
    const out = (await eagerCollect(flow)) as { h: Tensor; total: number }[];
    expect(out).toHaveLength(1);
    expect(out[0].h.toArray()).toEqual([[4, 7]]);
    expect(out[0].total).toBe(11);
  });
});

describe('eagerIterate', () => {
  it('pulls source elements only on demand', async () => {
    const counter = { pulled: 0, released: false };
    const it = eagerIterate(from(naturals(counter)).pipe(filter((x: number) => x % 2 === 1)))[Symbol.asyncIterator]();
    expect(counter.pulled).toBe(0);
    expect(await it.next()).toEqual({ value: 1, done: false });
    expect(counter.pulled).toBe(2);
    expect(await it.next()).toEqual({ value: 3, done: false });
    expect(counter.pulled).toBe(4);
    await it.return?.();
    expect(counter.released).toBe(true);
  });

  it('break in for-await stops the source', async () => {
    const counter = { pulled: 0, released: false };
    const seen: unknown[] = [];
    for await (const x of eagerIterate(from(naturals(counter)).pipe(map((i: number) => i * i)))) {
      seen.push(x);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([0, 1, 4]);
    expect(counter.released).toBe(true);
    expect(counter.pulled).toBe(3);
  });

  it('gives the same elements as eager() for merge and zip', async () => {
    const flow = from([1, 2, 3]).pipe(merge(from([10, 20])), zip(from(['a', 'b', 'c', 'd'])));
    const iterated: unknown[] = [];
    for await (const x of eagerIterate(flow)) iterated.push(x);
    expect(iterated).toEqual(await eagerCollect(flow));
    expect(iterated).toEqual([
      [1, 'a'],
      [10, 'b'],
      [2, 'c'],
      [20, 'd'],
    ]);
  });

  it('delivers the outputs before an error, then rejects with the PipelineError', async () => {
    const it = eagerIterate(
      from([1, 2, 3]).pipe(
        map((x: number) => {
          if (x === 2) throw new Error('two');
          return x;
        }),
      ),
    )[Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ value: 1, done: false });
    await expect(it.next()).rejects.toThrow('Stage map#0 failed on source element 1: two');
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('serves concurrent next() calls in order', async () => {
    async function* src() {
      yield 'a';
      yield 'b';
    }
    const it = eagerIterate(from(src()))[Symbol.asyncIterator]();
    const results = await Promise.all([it.next(), it.next(), it.next()]);
    expect(results).toEqual([
      { value: 'a', done: false },
      { value: 'b', done: false },
      { value: undefined, done: true },
    ]);
  });

  it('waits for an Observable source', async () => {
    const { interval } = await import('rxjs');
    const out: unknown[] = [];
    for await (const x of eagerIterate(from(interval(1)).pipe(take(3)))) out.push(x);
    expect(out).toEqual([0, 1, 2]);
  });
});
