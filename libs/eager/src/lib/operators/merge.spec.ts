import { from, map, merge, PipelineError } from '@weir/dataflow';
import { Subject } from 'rxjs';
import { eager, eagerCollect } from '../eager';

describe('merge', () => {
  it('interleaves two iterable sources one element each, then the longer one', async () => {
    expect(await eagerCollect(from([1, 2, 3]).pipe(merge(from([10, 20]))))).toEqual([1, 10, 2, 20, 3]);
  });

  it('emits Observable elements as they arrive and ends when both sides end', () => {
    const a = new Subject<number>();
    const b = new Subject<number>();
    const out: unknown[] = [];
    let done = false;
    eager(from(a).pipe(merge(from(b).pipe(map((x: number) => -x))))).subscribe({
      next: (v) => out.push(v),
      complete: () => (done = true),
    });
    a.next(1);
    b.next(1);
    b.next(2);
    a.complete();
    expect(done).toBe(false);
    a.next(99);
    b.next(3);
    b.complete();
    expect(out).toEqual([1, -1, -2, -3]);
    expect(done).toBe(true);
  });

  it('reports an error in the other flow under the merge stage', async () => {
    const other = from([0, 1]).pipe(
      map((x: number) => {
        if (x === 1) throw new Error('nope');
        return x;
      }),
    );
    const error = await eagerCollect(from([5, 6, 7]).pipe(merge(other))).catch((e) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.message).toBe('Stage merge#0/map#0 failed on source element 1: nope');
  });
});
