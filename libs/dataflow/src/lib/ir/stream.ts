import type { ExprGraph } from './expr';
import type { PassRecord } from './optimize-hook';

/**
 * The stream-level IR: the compiled pipeline as a chain of stages, each an operator from the Flow with its
 * callback traced into an ExprGraph (or, for a graph break, the reason it could not be traced). This is
 * what the optimizer rewrites, `explain()` prints, and a saved plan holds.
 */
export type StageIR =
  | TracedStage
  | { readonly kind: 'batch'; readonly position: number; readonly size: number }
  | { readonly kind: 'take' | 'skip'; readonly position: number; readonly count: number }
  | { readonly kind: 'countWindow'; readonly position: number; readonly size: number; readonly slide: number }
  | {
      readonly kind: 'timeWindow';
      readonly position: number;
      readonly time: string;
      readonly size: number;
      readonly slide: number;
      readonly allowedLateness: number;
    }
  | { readonly kind: 'zip' | 'merge'; readonly position: number };

/** A stage whose callback was traced (expr) or could not be (breakReason: it runs per element from user code). */
export interface TracedStage {
  readonly kind: 'map' | 'filter' | 'flatMap' | 'keyBy' | 'tap' | 'scan' | 'reduce';
  readonly position: number;
  readonly expr: ExprGraph | null;
  readonly breakReason?: string;
  /** scan/reduce: the initial accumulator (JSON data, Tensors, or records/arrays of them). */
  readonly seed?: unknown;
  /** Stages after a keyBy keep state per key. */
  readonly keyed?: boolean;
  /** Run as one graph with the next stage by operator fusion (for explain; not saved). */
  readonly fusedWithNext?: boolean;
  /**
   * reduce: the batch step that a fused chain in front of it folds into (operator fusion), when that step is
   * one batch-level graph: what actually runs per batch (for explain; not saved).
   */
  readonly batchStep?: ExprGraph;
  /** filter: run before the maps in front of it by filter pushdown (for explain; not saved). */
  readonly pushedDown?: boolean;
  /** reduce: the batch reduction ('sum', 'max', 'min') when the step folds batch by batch (for explain; not saved). */
  readonly fold?: string;
  /** The graph as traced, and what each optimizer pass that changed it did (for explain; not saved). */
  readonly traced?: ExprGraph;
  readonly passLog?: readonly PassRecord[];
}

/** The schema of a stream between stages: field name ('' for a bare element) to its type. */
export interface FieldType {
  readonly name: string;
  readonly kind: 'tensor' | 'number' | 'boolean' | 'string' | 'other';
  readonly dtype?: string;
  readonly shape?: readonly number[];
}

export interface StreamGraph {
  /** The schema the pipeline was compiled for (what its first stage reads). */
  readonly input: readonly FieldType[];
  /** Bare elements (numbers or tensors) rather than records. */
  readonly bare: boolean;
  readonly stages: readonly StageIR[];
}

export function isTracedStage(s: StageIR): s is TracedStage {
  return s.kind === 'map' || s.kind === 'filter' || s.kind === 'flatMap' || s.kind === 'keyBy' || s.kind === 'tap' || s.kind === 'scan' || s.kind === 'reduce';
}
