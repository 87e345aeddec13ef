import { formatBody, formatNumber } from './op-program';
import { show } from './agree';
import { AccSpec, PipelineCase, ScalarOf, sourceRows, StageSpec } from './pipeline';

/**
 * A pipeline case as the code it stands for, for fast-check's counterexample report:
 *
 * ```
 * // 3 records { id, k, t, a: float32[2] }; graph run with batchSize 2; pool [0, -1.5]
 * const rows = [ ... ];
 * from(rows).pipe(
 *   map((r) => { const v0 = ops.sum(r.a); return { ...r, y0: v0 }; }),
 *   keyBy((r) => r.k),
 *   scan((acc, x) => ops.add(acc, x.y0), 0),
 * )
 * ```
 */
const access = (v: string, field: string): string => (field === '' ? v : `${v}.${field}`);

function formatScalar(s: ScalarOf, v: string): string {
  if (s.field === null) return '1';
  return s.reduce === null ? access(v, s.field) : `ops.${s.reduce}(${access(v, s.field)})`;
}

function formatAcc(a: AccSpec): string {
  const s = formatScalar(a.of, 'x');
  switch (a.kind) {
    case 'sum': return `(acc, x) => ops.add(acc, ${s}), 0`;
    case 'max': return `(acc, x) => ops.maximum(acc, ${s}), -Infinity`;
    case 'ema': return `(acc, x) => ops.add(ops.mul(acc, 0.5), ${s}), 0`;
    case 'pair': return `(acc, x) => ({ n: ops.add(acc.n, 1), s: ops.add(acc.s, ${s}) }), { n: 0, s: 0 }`;
    case 'tensor': return `(acc, x) => ops.add(acc, ${access('x', a.field as string)}), ops.zeros(${JSON.stringify(a.shape)}, '${a.dtype}')`;
    case 'growing': return `(acc, x) => ops.add(acc, ${access('x', a.field as string)}), 0`;
  }
}

function formatStage(s: StageSpec): string {
  const names = (bind: readonly string[]) => bind.map((b) => access('r', b));
  switch (s.kind) {
    case 'map': {
      const ret = (outs: string[]) => {
        if (s.form === 'bare') return outs[outs.length - 1];
        const fields = s.names.map((n, i) => `${n}: ${outs[i]}`);
        return `{ ${[...(s.form === 'spread' ? ['...r'] : s.keep.map((k) => `${k}: r.${k}`)), ...fields].join(', ')} }`;
      };
      return `map((r) => ${formatBody(s.program, names(s.bind), '  ', ret)})`;
    }
    case 'filter': {
      const ret = (outs: string[]) => {
        const v = outs[outs.length - 1];
        if (s.test === 'any' || s.test === 'all') return `ops.${s.test === 'any' ? 'max' : 'min'}(${v})`;
        const [red, cmp] = s.test.split(':');
        return `ops.${cmp}(ops.${red}(${v}), ${formatNumber(s.threshold)})`;
      };
      return `filter((r) => ${formatBody(s.program, names(s.bind), '  ', ret)})`;
    }
    case 'keyBy': {
      const by = s.by;
      if ('field' in by) return `keyBy((r) => ${access('r', by.field)})`;
      if ('mod' in by) return `keyBy((r) => ops.mod(${access('r', by.mod)}, 2))`;
      return `keyBy((r) => ops.greater(${formatScalar(by.positive, 'r')}, 0))`;
    }
    case 'scan': case 'reduce': return `${s.kind}(${formatAcc(s.acc)})`;
    case 'countWindow': case 'batch': {
      const w = s.kind === 'batch' ? `batch(${s.size})` : `window({ size: ${s.size}, slide: ${s.slide} })`;
      return `${w},\n  map((xs) => ({ n: xs.length, s: xs.reduce((a, e) => ops.add(a, ${formatScalar(s.summary, 'e')}), 0)${s.ids ? ', first: xs[0].id' : ''} }))`;
    }
    case 'timeWindow':
      return `window({ time: 't', size: ${s.size}, slide: ${s.slide}, allowedLateness: ${s.allowedLateness}, late: (r, info) => late.push({ r, ...info }) }),\n` +
        `  map((p) => ({ start: p.start, end: p.end, t: p.start, n: p.records.length, s: p.records.reduce((a, e) => ops.add(a, ${formatScalar(s.summary, 'e')}), 0)${s.keyed ? ', key: p.key' : ''} }))`;
    case 'take': case 'skip': return `${s.kind}(${s.count})`;
  }
}

/** The case as code: the source's rows, the pipeline, and the graph run's batch size. */
export function formatPipeline(c: PipelineCase): string {
  const rows = sourceRows(c);
  const shown = rows.slice(0, 10).map((r) => `  ${show(r)},`);
  const more = rows.length > 10 ? [`  // ... ${rows.length - 10} more`] : [];
  const source = c.source.kind === 'records' ? `records { id, k, t, ${c.source.data.map((d) => `${d.name}: ${d.kind === 'tensor' ? `${d.dtype}[${d.shape.join(',')}]` : d.kind}`).join(', ')} }` : c.source.kind === 'numbers' ? 'numbers' : `${c.source.dtype}[${c.source.shape.join(',')}] tensors`;
  return [
    `// ${c.rows} ${source}; graph run with batchSize ${c.batchSize}; pool [${c.pool.map(formatNumber).join(', ')}]`,
    `const rows = [\n${[...shown, ...more].join('\n')}\n];`,
    `from(rows).pipe(\n${c.stages.map((s) => `  ${formatStage(s)},`).join('\n')}\n)`,
  ].join('\n');
}
