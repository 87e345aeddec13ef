import { describeSource } from '@weir/dataflow';
import type { ColumnBatch } from './batch';
import { ReadAhead, sourceBatches } from './source';

/** Each batch as its values and first source index. */
const shape = (b: ColumnBatch): string => {
  const c = Array.from(b.columns.values())[0];
  return `${(c.kind === 'values' ? c.values : Array.from(c.tensor.data)).join(',')}@${b.src[0]}`;
};

describe('sourceBatches with a ReadAhead', () => {
  const values = Array.from({ length: 10 }, (_, i) => i * 1.5);

  it('builds the next batch of an array source when asked, once, and yields the same batches in order', async () => {
    const plain: string[] = [];
    for await (const b of sourceBatches(describeSource(values), 3)) plain.push(shape(b.unchecked?.() ?? b));
    const ahead: ReadAhead = { next: null };
    const early: string[] = [];
    const offered: boolean[] = [];
    let k = 0;
    for await (const b of sourceBatches(describeSource(values), 3, undefined, ahead)) {
      offered.push(ahead.next !== null);
      if (k++ % 2 === 0) {
        const next = ahead.next;
        next?.();
        expect(ahead.next).toBeNull(); // once
        next?.(); // a second call builds nothing more: the batch after is still the next one
      }
      early.push(shape(b.unchecked?.() ?? b));
    }
    expect(early).toEqual(plain);
    expect(plain).toEqual(['0,1.5,3@0', '4.5,6,7.5@3', '9,10.5,12@6', '13.5@9']);
    expect(offered).toEqual([true, true, true, true]);
    expect(ahead.next).toBeNull();
  });

  it('offers nothing for a generator, whose early reads would run user code mid-kernel', async () => {
    const ahead: ReadAhead = { next: null };
    const offered: boolean[] = [];
    for await (const _ of sourceBatches(describeSource((function* () {
      yield* values;
    })()), 4, undefined, ahead)) offered.push(ahead.next !== null);
    expect(offered).toEqual([false, false, false]);
  });
});
