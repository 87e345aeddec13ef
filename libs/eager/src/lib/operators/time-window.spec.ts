import { from, keyBy, map, tap, window, type LateInfo, type WindowPane } from '@weir/dataflow';
import { eagerCollect } from '../eager';

interface Ev {
  t: number;
  k?: string;
}
const ev = (...ts: number[]): Ev[] => ts.map((t) => ({ t }));
const times = (panes: unknown[]) =>
  (panes as WindowPane<Ev>[]).map((p) => ({ start: p.start, end: p.end, ...('key' in p ? { key: p.key } : {}), ts: p.records.map((r) => r.t) }));

describe('event-time windows', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('tumbling: emits a pane once the watermark passes its end, the rest at completion', async () => {
    const log: string[] = [];
    const flow = from(ev(1, 4, 12, 25)).pipe(
      tap((r: Ev) => log.push(`in ${r.t}`)),
      window({ time: 't', size: 10 }),
      tap((p: WindowPane<Ev>) => log.push(`pane ${p.start}`)),
    );
    const panes = await eagerCollect(flow);
    expect(times(panes)).toEqual([
      { start: 0, end: 10, ts: [1, 4] },
      { start: 10, end: 20, ts: [12] },
      { start: 20, end: 30, ts: [25] },
    ]);
    expect(log).toEqual(['in 1', 'in 4', 'in 12', 'pane 0', 'in 25', 'pane 10', 'pane 20']);
    expect(panes[0]).not.toHaveProperty('key');
    expect(warn).not.toHaveBeenCalled();
  });

  it('emits a pane when the watermark reaches its end exactly (end is exclusive)', async () => {
    const log: string[] = [];
    const flow = from(ev(9, 10)).pipe(
      tap((r: Ev) => log.push(`in ${r.t}`)),
      window({ time: 't', size: 10 }),
      tap((p: WindowPane<Ev>) => log.push(`pane ${p.start}:${p.records.length}`)),
    );
    await eagerCollect(flow);
    expect(log).toEqual(['in 9', 'in 10', 'pane 0:1', 'pane 10:1']);
  });

  it('sliding: a record goes into every window containing it, windows aligned to multiples of slide', async () => {
    const panes = await eagerCollect(from(ev(1, 7, 12, 18)).pipe(window({ time: 't', size: 10, slide: 5 })));
    expect(times(panes)).toEqual([
      { start: -5, end: 5, ts: [1] },
      { start: 0, end: 10, ts: [1, 7] },
      { start: 5, end: 15, ts: [7, 12] },
      { start: 10, end: 20, ts: [12, 18] },
      { start: 15, end: 25, ts: [18] },
    ]);
  });

  it('includes an out-of-order record within allowedLateness', async () => {
    const late = jest.fn();
    const panes = await eagerCollect(from(ev(1, 12, 4, 16, 30)).pipe(window({ time: 't', size: 10, allowedLateness: 5, late })));
    expect(times(panes)).toEqual([
      { start: 0, end: 10, ts: [1, 4] },
      { start: 10, end: 20, ts: [12, 16] },
      { start: 30, end: 40, ts: [30] },
    ]);
    expect(late).not.toHaveBeenCalled();
  });

  it('sends a late record to `late` with its latest window and the watermark, and keeps it out of panes', async () => {
    const lateSeen: [Ev, LateInfo][] = [];
    const flow = from(ev(1, 12, 3, 25, 11, 26)).pipe(
      window({ time: 't', size: 10, late: (r: Ev, info: LateInfo) => lateSeen.push([r, info]) as any }),
    );
    const panes = await eagerCollect(flow);
    expect(times(panes)).toEqual([
      { start: 0, end: 10, ts: [1] },
      { start: 10, end: 20, ts: [12] },
      { start: 20, end: 30, ts: [25, 26] },
    ]);
    expect(lateSeen).toEqual([
      [{ t: 3 }, { windowStart: 0, windowEnd: 10, watermark: 12 }],
      [{ t: 11 }, { windowStart: 10, windowEnd: 20, watermark: 25 }],
    ]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('sliding: a record is late only when all its windows are past; otherwise it joins the live ones', async () => {
    const late = jest.fn();
    // At t=12, [0,10) is emitted but [5,15) is open: t=8 joins [5,15) only.
    const panes = await eagerCollect(from(ev(1, 12, 8, 21, 6)).pipe(window({ time: 't', size: 10, slide: 5, late })));
    expect(times(panes).map((p) => `${p.start}:${p.ts.join(',')}`)).toEqual(['-5:1', '0:1', '5:12,8', '10:12', '15:21', '20:21']);
    expect(late).toHaveBeenCalledTimes(1);
    expect(late).toHaveBeenCalledWith({ t: 6 }, { windowStart: 5, windowEnd: 15, watermark: 21 });
  });

  it('without a `late` callback, counts late records and warns once at completion naming the stage', async () => {
    const flow = from(ev(20, 1, 2, 21)).pipe(map((r: Ev) => r), window({ time: 't', size: 10 }));
    const panes = await eagerCollect(flow);
    expect(times(panes)).toEqual([{ start: 20, end: 30, ts: [20, 21] }]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('Stage timeWindow#1: 2 late record(s)');
  });

  it('keyed: panes per key carry the key, ordered by end then by first appearance of the key', async () => {
    const rows: Ev[] = [
      { k: 'b', t: 1 },
      { k: 'a', t: 2 },
      { k: 'b', t: 3 },
      { k: 'a', t: 11 },
      { k: 'a', t: 14 },
      { k: 'b', t: 15 },
    ];
    const panes = await eagerCollect(from(rows).pipe(keyBy((r: Ev) => r.k), window({ time: 't', size: 10 })));
    expect(times(panes)).toEqual([
      { start: 0, end: 10, key: 'b', ts: [1, 3] },
      { start: 0, end: 10, key: 'a', ts: [2] },
      { start: 10, end: 20, key: 'b', ts: [15] },
      { start: 10, end: 20, key: 'a', ts: [11, 14] },
    ]);
  });

  it('rejects a record whose time is not a finite number, naming the stage, field and source element', async () => {
    const bad = [{ t: 1 }, { t: 'x' }];
    await expect(eagerCollect(from(bad).pipe(window({ time: 't', size: 10 })))).rejects.toThrow(
      `Stage timeWindow#0 failed on source element 1: event-time field 't' must be a finite number of milliseconds, but it is the string "x"`,
    );
    await expect(eagerCollect(from([{ t: NaN }]).pipe(window({ time: 't', size: 10 })))).rejects.toThrow("field 't'");
    await expect(eagerCollect(from([{}]).pipe(window({ time: 't', size: 10 })))).rejects.toThrow('but it is undefined');
    await expect(eagerCollect(from([5]).pipe(window({ time: 't', size: 10 })))).rejects.toThrow('the element is 5, not a record');
  });

  it('reports a throwing `late` callback with the stage and source element', async () => {
    const flow = from(ev(20, 1)).pipe(
      window({
        time: 't',
        size: 10,
        late: () => {
          throw new Error('side output closed');
        },
      }),
    );
    await expect(eagerCollect(flow)).rejects.toThrow('Stage timeWindow#0 failed on source element 1: side output closed');
  });

  it('gives a pane the source index of its last record', async () => {
    const flow = from(ev(1, 2, 3, 15)).pipe(
      window({ time: 't', size: 10 }),
      map((p: WindowPane<Ev>) => {
        if (p.start === 0) throw new Error('first pane');
        return p;
      }),
    );
    await expect(eagerCollect(flow)).rejects.toThrow('Stage map#1 failed on source element 2: first pane');
  });
});
