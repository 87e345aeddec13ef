import type { TimeWindowOp, WindowPane } from '@weir/dataflow';
import { envelope, type Envelope } from '../envelope';
import { operate, type OperatorImpl } from '../stage';

interface Pane {
  readonly key: unknown;
  /** When the pane's key first appeared: the tie-break between panes with the same end. */
  readonly keyOrder: number;
  readonly start: number;
  readonly end: number;
  readonly records: unknown[];
  src: number | undefined;
}

/**
 * `window({ time, size, slide, allowedLateness, late })`: event-time windows [start, start + size) with
 * starts at multiples of `slide`; a record goes into every window containing its time. The watermark is the
 * largest event time seen so far (across keys). A pane is emitted when the watermark reaches
 * end + allowedLateness, in order of end and then of its key's first appearance; the rest when the input ends,
 * in the same order. A pane carries `key` when the stream is keyed, and the source index of its last record.
 *
 * A record is late when every window containing it is already past that point (emitted, or would have been
 * had it had records). It is added to no pane: it goes to `late(record, { windowStart, windowEnd, watermark })`
 * with the latest window it would have belonged to, and is counted; with no `late` callback, one warning
 * naming the stage and the count is emitted when the input ends. When slide > size, a record whose time falls
 * between windows belongs to none and is not late. A record whose time field is not a finite number is an error.
 *
 * ```ts
 * window({ time: 'ts', size: 10 }); // over ts 1, 4, 12: {start: 0, end: 10, records: [r1, r4]}, then {start: 10, ...}
 * ```
 */
export const timeWindowOperator: OperatorImpl<TimeWindowOp> = (op, ctx) =>
  operate(ctx, (out) => {
    const { size, slide, allowedLateness } = op;
    let watermark = -Infinity;
    let lateCount = 0;
    const keyOrder = new Map<unknown, number>();
    // Open panes by key and start. Few are open at once, so emitting scans them all.
    const open = new Map<string, Pane>();

    const emitPanes = (due: (p: Pane) => boolean): void => {
      const ready = [...open.values()].filter(due).sort((a, b) => a.end - b.end || a.keyOrder - b.keyOrder);
      for (const p of ready) {
        open.delete(paneId(p.keyOrder, p.start));
        if (out.closed) return;
        const pane: WindowPane<unknown> = ctx.keyed
          ? { start: p.start, end: p.end, key: p.key, records: p.records }
          : { start: p.start, end: p.end, records: p.records };
        out.next(envelope(pane, p.src, p.key));
      }
    };

    return {
      next: (env: Envelope) => {
        const t = eventTime(env.value, op.time);
        if (!keyOrder.has(env.key)) keyOrder.set(env.key, keyOrder.size);
        const order = keyOrder.get(env.key) as number;
        watermark = Math.max(watermark, t);
        const starts = windowStarts(t, size, slide);
        let placed = false;
        for (const start of starts) {
          if (start + size + allowedLateness <= watermark) continue;
          const id = paneId(order, start);
          let pane = open.get(id);
          if (pane === undefined) {
            pane = { key: env.key, keyOrder: order, start, end: start + size, records: [], src: undefined };
            open.set(id, pane);
          }
          pane.records.push(env.value);
          pane.src = env.src;
          placed = true;
        }
        if (!placed && starts.length > 0) {
          lateCount++;
          op.late?.(env.value, { windowStart: starts[0], windowEnd: starts[0] + size, watermark });
        }
        emitPanes((p) => p.end + allowedLateness <= watermark);
      },
      complete: () => {
        emitPanes(() => true);
        if (lateCount > 0 && op.late === undefined) {
          process.emitWarning(
            `Stage ${ctx.stage}: ${lateCount} late record(s) arrived after every window containing them was emitted and are in no pane; pass window({ ..., late }) to receive them`,
            'WeirLateRecordsWarning',
          );
        }
        out.complete();
      },
    };
  });

/** The starts of the windows containing t, latest first. */
function windowStarts(t: number, size: number, slide: number): number[] {
  const starts: number[] = [];
  for (let s = Math.floor(t / slide) * slide; s > t - size; s -= slide) starts.push(s);
  return starts;
}

function paneId(keyOrder: number, start: number): string {
  return `${keyOrder}:${start}`;
}

function eventTime(record: unknown, field: string): number {
  const t = typeof record === 'object' && record !== null ? (record as Record<string, unknown>)[field] : undefined;
  if (typeof t !== 'number' || !Number.isFinite(t)) {
    const what = typeof record !== 'object' || record === null ? `the element is ${describe(record)}, not a record` : `it is ${describe(t)}`;
    throw new TypeError(`event-time field '${field}' must be a finite number of milliseconds, but ${what}`);
  }
  return t;
}

function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'number') return String(x);
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? x.slice(0, 40) + '...' : x)}`;
  if (typeof x === 'object') return `a ${(x as object).constructor?.name ?? 'object'}`;
  return `a ${typeof x}`;
}
