import { formatExprGraph, formatNode, formatShape, StageIR, StreamGraph, isTracedStage, outputNodeIds } from '@weir/dataflow';
import type { ExprGraph, FieldType } from '@weir/dataflow';

/** What the stream pass projectionPushdown decided for the source's schema (explain shows it under the input). */
export interface ProjectionNote {
  /** The source's fields, in order. */
  readonly fields: readonly string[];
  /** The fields some stage reads or the output carries; null: all of them (no stage could be reasoned past). */
  readonly read: readonly string[] | null;
  /** The fields the source leaves out. */
  readonly dropped: readonly string[];
  /** Why the pass did not run, when it did not. */
  readonly off?: string;
}

/** One line: 'projectionPushdown: reads a, b of a, b, c, d (2 columns dropped)'. */
export function projectionLine(p: ProjectionNote): string {
  const list = (xs: readonly string[]) => (xs.length === 0 ? 'no field' : xs.join(', '));
  if (p.off !== undefined) return `projectionPushdown: off (${p.off})`;
  if (p.read === null) return `projectionPushdown: keeps all ${p.fields.length} field(s) (whole records reach a stage it cannot see into, or the output)`;
  const n = p.dropped.length;
  return `projectionPushdown: reads ${list(p.read)} of ${list(p.fields)} (${n} column${n === 1 ? '' : 's'} dropped${n > 0 ? `: ${p.dropped.join(', ')}` : ''})`;
}

function fieldText(f: FieldType): string {
  const name = f.name === '' ? '(element)' : f.name;
  if (f.kind === 'tensor') return `${name}: ${f.dtype}${formatShape(f.shape ?? [])}`;
  return `${name}: ${f.kind}${f.kind === 'number' && f.dtype ? ` (${f.dtype})` : ''}`;
}

function stageHeader(s: StageIR): string {
  const label = `${s.kind}#${s.position}`;
  if (!isTracedStage(s)) {
    const params = Object.entries(s).filter(([k]) => k !== 'kind' && k !== 'position').map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    return `${label}(${params.join(', ')})`;
  }
  const how = s.expr === null
    ? 'GRAPH BREAK, runs user code per element'
    : s.kind === 'map' || s.kind === 'filter'
      ? 'vectorized over the batch'
      : s.fold !== undefined
        ? `folded batch by batch with ${s.fold}`
        : 'traced, run per element';
  const pushed = s.pushedDown ? ', run before the maps in front of it' : '';
  return `${label}  [${how}${s.keyed ? ', keyed' : ''}${s.fusedWithNext ? ', fused with the next stage' : ''}${pushed}]`;
}

/**
 * A compiled plan as text a person can read: the input schema, each stage with its expression graph, and the
 * graph breaks with their reasons. 'dot' draws stages and their nodes for Graphviz; 'json' is the IR.
 */
export function explainPlan(g: StreamGraph, format: 'text' | 'dot' | 'json', batchSize: number, projection: ProjectionNote | null = null): string {
  if (format === 'json') return JSON.stringify({ ...(toJson(g) as object), ...(projection !== null ? { projectionPushdown: projection } : {}) }, null, 2);
  if (format === 'dot') return toDot(g, projection);
  const lines: string[] = [];
  lines.push(`Plan: ${g.stages.length} stage(s), batches of ${batchSize} rows`);
  lines.push(g.input.length > 0 ? `input ${g.bare ? '(bare elements)' : 'records'}: ${g.input.map(fieldText).join(', ')}` : 'input: schema not known yet (stages are traced when the first batch arrives)');
  if (projection !== null && !g.bare) lines.push(projectionLine(projection));
  for (const s of g.stages) {
    lines.push('');
    lines.push(`stage ${stageHeader(s)}`);
    if (isTracedStage(s) && s.expr !== null) {
      if (s.traced !== undefined && s.passLog !== undefined && s.passLog.length > 0) {
        lines.push(`    as traced (${s.traced.nodes.length} nodes):`, formatExprGraph(s.traced, '      '));
        for (const r of s.passLog) lines.push(`    after ${r.pass}: ${r.summary}`, formatExprGraph(r.after, '      '));
      } else lines.push(formatExprGraph(s.expr, '    '));
    }
    if (isTracedStage(s) && s.batchStep !== undefined) {
      lines.push('    each batch, with the stages fused into it (one batch-level graph):', formatExprGraph(s.batchStep, '      '));
    }
    if (isTracedStage(s) && s.expr === null && s.breakReason) lines.push(`    reason: ${s.breakReason}`);
  }
  const breaks = g.stages.filter((s) => isTracedStage(s) && s.expr === null && s.breakReason);
  lines.push('');
  lines.push(breaks.length === 0 ? 'graph breaks: none' : `graph breaks: ${breaks.length}`);
  for (const s of breaks) if (isTracedStage(s)) lines.push(`  ${s.kind}#${s.position}: ${s.breakReason}`);
  return lines.join('\n');
}

function exprJson(e: ExprGraph): unknown {
  return {
    inputs: e.inputs,
    nodes: e.nodes.map((n) => ({ ...n, ...(n.op === 'const' ? { value: summarize(e, n.id) } : {}) })),
    output: e.output,
    effects: e.effects,
  };
}

function summarize(e: ExprGraph, id: number): unknown {
  const t = e.consts.get(id);
  if (t === undefined) return null;
  return t.size <= 16 ? t.toArray() : `<${t.dtype}${formatShape(t.shape)}: ${t.size} values>`;
}

function toJson(g: StreamGraph): unknown {
  return {
    input: g.input,
    bare: g.bare,
    stages: g.stages.map((s) => {
      if (!isTracedStage(s)) return s;
      const { traced, passLog, ...rest } = s;
      return {
        ...rest,
        expr: s.expr === null ? null : exprJson(s.expr),
        ...(traced !== undefined ? { traced: exprJson(traced) } : {}),
        ...(passLog !== undefined ? { passes: passLog.map((r) => ({ pass: r.pass, summary: r.summary })) } : {}),
      };
    }),
  };
}

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function toDot(g: StreamGraph, projection: ProjectionNote | null): string {
  const label = projection !== null && projection.dropped.length > 0 ? `source\\n${esc(projectionLine(projection))}` : 'source';
  const out = ['digraph plan {', '  rankdir=TB;', '  node [shape=box, fontname="monospace"];', `  source [label="${label}", shape=ellipse];`];
  let prev = 'source';
  g.stages.forEach((s, i) => {
    const id = `s${i}`;
    const broken = isTracedStage(s) && s.expr === null;
    out.push(`  subgraph cluster_${i} {`, `    label="${esc(stageHeader(s))}";${broken ? ' color=red;' : ''}`);
    out.push(`    ${id} [label="${esc(`${s.kind}#${s.position}`)}", shape=component];`);
    if (isTracedStage(s) && s.expr !== null) {
      const e = s.expr;
      for (const n of e.nodes) out.push(`    ${id}_n${n.id} [label="${esc(formatNode(n, e.consts.get(n.id)))}"];`);
      for (const n of e.nodes) for (const inp of n.inputs) out.push(`    ${id}_n${inp} -> ${id}_n${n.id};`);
      for (const o of outputNodeIds(e.output)) out.push(`    ${id}_n${o} -> ${id} [style=dashed];`);
    }
    out.push('  }');
    out.push(`  ${prev} -> ${id};`);
    prev = id;
  });
  out.push('  sink [label="sink", shape=ellipse];', `  ${prev} -> sink;`, '}');
  return out.join('\n');
}
