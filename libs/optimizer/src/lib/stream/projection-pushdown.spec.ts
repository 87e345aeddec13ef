import { ops, traceGraph } from '@weir/dataflow';
import type { ExprGraph, FieldType, InputSpec, StageIR, StreamGraph } from '@weir/dataflow';
import { projectionPushdown } from './projection-pushdown';

// Records of a, b, c (numbers) and s (a string): the schema every stage below is traced against.
const INPUT: FieldType[] = [
  { name: 'a', kind: 'number', dtype: 'float64' },
  { name: 'b', kind: 'number', dtype: 'float64' },
  { name: 'c', kind: 'number', dtype: 'float64' },
  { name: 's', kind: 'string' },
];

const specs = (fields: readonly FieldType[], prefix = ''): InputSpec[] =>
  fields.map((f) => (f.kind === 'string' ? { name: prefix + f.name, dtype: 'float64', shape: [], opaque: true } : { name: prefix + f.name, dtype: 'float64', shape: [], weak: true }));

const record = (fields: readonly FieldType[], values: unknown[]): Record<string, unknown> => Object.fromEntries(fields.map((f, i) => [f.name, values[i]]));

/** A row callback traced as the runtime traces map, filter and keyBy callbacks. */
function rowGraph(f: (r: any) => unknown, fields: readonly FieldType[] = INPUT): ExprGraph {
  return traceGraph(specs(fields), (v): [unknown] => [record(fields, v)], f);
}

/** A scan/reduce step traced as the runtime does: the accumulator's inputs first ('acc.' + name), then the row's. */
function stepGraph(f: (acc: any, r: any) => unknown, acc: readonly FieldType[], fields: readonly FieldType[] = INPUT): ExprGraph {
  const bareAcc = acc.length === 1 && acc[0].name === '';
  return traceGraph([...specs(acc.map((x) => ({ ...x, name: x.name || 'x' })), 'acc.'), ...specs(fields)], (v): [unknown, unknown] => {
    const a = v.slice(0, acc.length);
    return [bareAcc ? a[0] : record(acc, a), record(fields, v.slice(acc.length))];
  }, f);
}

const stage = (kind: 'map' | 'filter' | 'keyBy' | 'scan' | 'reduce', expr: ExprGraph | null, position = 0): StageIR => ({ kind, position, expr, ...(expr === null ? { breakReason: 'untraceable' } : {}) });
const plan = (stages: StageIR[], input: FieldType[] = INPUT, bare = false): StreamGraph => ({ input, bare, stages });
const sorted = (s: ReadonlySet<string> | null) => (s === null ? null : [...s].sort());

describe('projectionPushdown (the stream pass decision)', () => {
  it('a map that drops fields needs only what it reads and passes through', () => {
    const m = rowGraph((r) => ({ y: ops.mul(r.a, 2), s: r.s }));
    expect(sorted(projectionPushdown(plan([stage('map', m)])))).toEqual(['a', 's']);
  });

  it('a filter passes rows on whole: its reads add to what the map after it reads', () => {
    const f = rowGraph((r) => ops.greater(r.c, 0));
    const m = rowGraph((r) => ({ y: r.a }));
    expect(sorted(projectionPushdown(plan([stage('filter', f), stage('map', m, 1)])))).toEqual(['a', 'c']);
  });

  it('take and skip pass rows on whole', () => {
    const m = rowGraph((r) => ({ y: r.b }));
    const g = plan([{ kind: 'take', position: 0, count: 3 }, { kind: 'skip', position: 1, count: 1 }, stage('map', m, 2)]);
    expect(sorted(projectionPushdown(g))).toEqual(['b']);
  });

  it('rows that reach the output whole need every field (null)', () => {
    const f = rowGraph((r) => ops.greater(r.c, 0));
    expect(projectionPushdown(plan([stage('filter', f)]))).toBeNull();
    expect(projectionPushdown(plan([]))).toBeNull();
  });

  it('stages after the first map read its output, never the source: they do not count', () => {
    const m = rowGraph((r) => ({ y: ops.add(r.a, r.b) }));
    const later = rowGraph((r) => ({ z: ops.mul(r.y, 2) }), [{ name: 'y', kind: 'number', dtype: 'float64' }]);
    const g = plan([stage('map', m), stage('filter', null, 1), stage('map', later, 2)]);
    expect(sorted(projectionPushdown(g))).toEqual(['a', 'b']);
  });

  it('counts fields read by dead code (the per-element fallback re-runs the callback, which touches them)', () => {
    const m = rowGraph((r) => {
      ops.mul(r.c, 2);
      return { y: r.a };
    });
    expect(sorted(projectionPushdown(plan([stage('map', m)])))).toEqual(['a', 'c']);
  });

  it('a map that reads nothing needs no field', () => {
    expect(sorted(projectionPushdown(plan([stage('map', rowGraph(() => ({ one: 1 })))])))).toEqual([]);
  });

  it('reduce and scan: the row fields the step reads, not the accumulator', () => {
    const acc: FieldType[] = [{ name: 'sum', kind: 'number', dtype: 'float64' }, { name: 'n', kind: 'number', dtype: 'float64' }];
    const r = stepGraph((a, x) => ({ sum: ops.add(a.sum, x.b), n: ops.add(a.n, 1) }), acc);
    expect(sorted(projectionPushdown(plan([stage('reduce', r)])))).toEqual(['b']);
    const s = stepGraph((a, x) => ops.add(a, x.c), [{ name: '', kind: 'number', dtype: 'float64' }]);
    expect(sorted(projectionPushdown(plan([stage('scan', s)])))).toEqual(['c']);
  });

  it('tells a row field named like an accumulator input from the accumulator by position', () => {
    const fields: FieldType[] = [{ name: 'acc.x', kind: 'number', dtype: 'float64' }, { name: 'v', kind: 'number', dtype: 'float64' }];
    const r = stepGraph((a, x) => ops.add(a, x.v), [{ name: '', kind: 'number', dtype: 'float64' }], fields);
    expect(sorted(projectionPushdown(plan([stage('reduce', r)], fields)))).toEqual(['v']);
  });

  it('keyBy passes rows on: its key fields add to what the keyed reduce reads', () => {
    const k = rowGraph((r) => r.s);
    const r = stepGraph((a, x) => ops.add(a, x.a), [{ name: '', kind: 'number', dtype: 'float64' }]);
    expect(sorted(projectionPushdown(plan([stage('keyBy', k), stage('reduce', r, 1)])))).toEqual(['a', 's']);
  });

  it('a graph break, a tap or a window before the first map reads whole rows: null', () => {
    const m = rowGraph((r) => ({ y: r.a }));
    expect(projectionPushdown(plan([stage('map', null)]))).toBeNull();
    expect(projectionPushdown(plan([stage('filter', null), stage('map', m, 1)]))).toBeNull();
    expect(projectionPushdown(plan([{ kind: 'tap', position: 0, expr: null, breakReason: 'tap' }, stage('map', m, 1)]))).toBeNull();
    expect(projectionPushdown(plan([{ kind: 'countWindow', position: 0, size: 2, slide: 2 }, stage('map', m, 1)]))).toBeNull();
    expect(projectionPushdown(plan([{ kind: 'batch', position: 0, size: 2 }, stage('map', m, 1)]))).toBeNull();
  });

  it('a bare stream has no fields to drop: null', () => {
    const x: FieldType[] = [{ name: '', kind: 'number', dtype: 'float64' }];
    const m = traceGraph([{ name: 'x', dtype: 'float64', shape: [], weak: true }], (v): [unknown] => [v[0]], (v: any) => ops.mul(v, 2));
    expect(projectionPushdown(plan([stage('map', m)], x, true))).toBeNull();
  });

  it('a stage traced against another schema cannot be reasoned about: null', () => {
    const m = rowGraph((r) => ({ y: r.a }), INPUT.slice(0, 2));
    expect(projectionPushdown(plan([stage('map', m)]))).toBeNull();
  });

  it('uses the graph as traced when expression passes changed it', () => {
    const traced = rowGraph((r) => {
      ops.mul(r.c, 2);
      return { y: r.a };
    });
    const optimized = rowGraph((r) => ({ y: r.a }));
    const s: StageIR = { kind: 'map', position: 0, expr: optimized, traced };
    expect(sorted(projectionPushdown(plan([s])))).toEqual(['a', 'c']);
  });
});
