import type { OperatorDesc, StageIR } from '@weir/dataflow';

/**
 * A stage's IR before (or without) a trace: stateful stages carry their settings; a callback stage has no
 * graph yet, and `reason` says why (not traced yet, or its graph-break reason).
 *
 * ```ts
 * placeholderIR(take(5), 3, 'unused');      // { kind: 'take', position: 3, count: 5 }
 * placeholderIR(map(f), 0, 'not traced yet'); // { kind: 'map', position: 0, expr: null, breakReason: 'not traced yet' }
 * ```
 */
export function placeholderIR(o: OperatorDesc, position: number, reason: string): StageIR {
  switch (o.kind) {
    case 'batch': return { kind: 'batch', position, size: o.size };
    case 'take': case 'skip': return { kind: o.kind, position, count: o.count };
    case 'countWindow': return { kind: 'countWindow', position, size: o.size, slide: o.slide };
    case 'timeWindow': return { kind: 'timeWindow', position, time: o.time, size: o.size, slide: o.slide, allowedLateness: o.allowedLateness };
    case 'zip': case 'merge': return { kind: o.kind, position };
    default: return { kind: o.kind, position, expr: null, breakReason: reason, ...(o.kind === 'scan' || o.kind === 'reduce' ? { seed: o.seed } : {}) };
  }
}
