import type { ExprGraph } from './expr';

/** What one optimizer pass did, for explain(): the graph after it and a count of what changed. */
export interface PassRecord {
  readonly pass: string;
  readonly summary: string;
  readonly after: ExprGraph;
}

export interface OptimizeOptions {
  /** Switch passes off (false) or on (true) by name. */
  readonly passes?: Readonly<Record<string, boolean>>;
}

export interface OptimizeResult {
  readonly graph: ExprGraph;
  readonly log: readonly PassRecord[];
}

export type ExprOptimizer = (g: ExprGraph, options: OptimizeOptions) => OptimizeResult;

// @weir/dataflow cannot import @weir/optimizer (imports point down); the runtime installs it here, as kernel
// backends register kernels. With none installed, graphs run as traced.
let installed: ExprOptimizer | null = null;

export function setExprOptimizer(o: ExprOptimizer | null): void {
  installed = o;
}

/** Runs the installed expression optimizer, or returns the graph unchanged. */
export function optimizeExpr(g: ExprGraph, options: OptimizeOptions = {}): OptimizeResult {
  return installed === null ? { graph: g, log: [] } : installed(g, options);
}
