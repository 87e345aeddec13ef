import type { ExprGraph } from '@weir/dataflow';

/** An expression-level optimizer pass: a pure function from a graph to a new graph, or null for no change. */
export interface ExprPass {
  readonly name: string;
  run(g: ExprGraph): ExprGraph | null;
}

/** What one application of a pass did: the new graph and how many things it changed. */
export interface PassOutcome {
  readonly graph: ExprGraph;
  readonly count: number;
  /** For the log: `folded 3 nodes`, `fused 5 nodes into 1`. */
  readonly summary: string;
}

/** A pass that also reports its count, so the pass manager's log can say what changed. */
export interface CountingPass extends ExprPass {
  apply(g: ExprGraph): PassOutcome | null;
}

/** `3 nodes`, `1 node`. */
export function nodes(n: number): string {
  return `${n} node${n === 1 ? '' : 's'}`;
}

/**
 * Makes a pass from a function that returns the new graph and a count (or null).
 *
 * ```ts
 * const noop = definePass('noop', () => null);
 * noop.run(g); // null
 * ```
 */
export function definePass(name: string, apply: (g: ExprGraph) => PassOutcome | null): CountingPass {
  return { name, apply, run: (g) => apply(g)?.graph ?? null };
}
