import { formatShape } from '../core/shape';
import type { Tensor } from '../core/tensor';
import type { ExprGraph, ExprNode, OutSpec } from './expr';

/**
 * An expression graph as text a person can read:
 *
 * ```
 *   %0 = input x : float32[3]
 *   %1 = const float32[] 2
 *   %2 = mul(%0, %1) : float32[3]
 *   return %2
 * ```
 */
export function formatExprGraph(g: ExprGraph, indent = '  '): string {
  const lines = g.nodes.map((n) => indent + formatNode(n, g.consts.get(n.id)));
  lines.push(`${indent}return ${formatOut(g.output, g)}`);
  return lines.join('\n');
}

/** Per-op text for a node's attrs (a fused node's program reads better as an expression than as JSON). */
const attrFormatters = new Map<string, (attrs: ExprNode['attrs']) => string>();

export function registerAttrFormatter(op: string, format: (attrs: ExprNode['attrs']) => string): void {
  attrFormatters.set(op, format);
}

export function formatNode(n: ExprNode, value?: Tensor): string {
  const type = `${n.dtype}${formatShape(n.shape)}`;
  if (n.op === 'input') return `%${n.id} = input ${String(n.attrs.name)} : ${type}${n.weak ? ' (number)' : ''}`;
  if (n.op === 'const') return `%${n.id} = const ${type} ${value === undefined ? '?' : shortValue(value)}`;
  const custom = attrFormatters.get(n.op);
  const attrs = custom !== undefined
    ? [custom(n.attrs)]
    : Object.entries(n.attrs)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const args = [...n.inputs.map((i) => `%${i}`), ...attrs].join(', ');
  if (n.op === 'print') return `%${n.id} = print(${args})  (effect)`;
  return `%${n.id} = ${n.op}(${args}) : ${type}`;
}

function shortValue(t: Tensor): string {
  if (t.size > 8) return `<${t.size} values>`;
  return JSON.stringify(t.toArray());
}

export function formatOut(o: OutSpec, g: ExprGraph): string {
  switch (o.kind) {
    case 'node': return `%${o.id}`;
    case 'value': return JSON.stringify(o.value);
    case 'passthrough': return `input ${g.inputs[o.input].name}`;
    case 'array': return `[${o.items.map((x) => formatOut(x, g)).join(', ')}]`;
    case 'record': return `{ ${o.fields.map(([k, x]) => `${k}: ${formatOut(x, g)}`).join(', ')} }`;
  }
}
