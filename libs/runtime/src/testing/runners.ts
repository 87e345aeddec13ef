import { fn } from '@weir/dataflow';
import type { Flow } from '@weir/dataflow';
import { eagerCollect } from '@weir/eager';
import { compile } from '../index';
import type { CompileOptions } from '../index';
import { exprPasses, PLAN_PASSES } from '../lib/exec/compile-stages';
import type { Tolerances } from './compare';

/** Per-case settings a generated pipeline brings with it (the batch size is part of the random case). */
export interface FlowRunOptions {
  readonly batchSize?: number;
}

/**
 * A way of running Weir that must agree with the eager reference: the graph executor today; worker threads,
 * the GPU and each optimizer pass on or off later. Each plugs into the differential properties by providing
 * one of these.
 *
 * ```ts
 * const workers: GraphRunner = { name: 'graph, 2 workers', runFlow: (f, o) => compile(f, { ...o, workers: 2 }).collect() };
 * ```
 */
export interface GraphRunner {
  readonly name: string;
  /** Runs a Flow to completion and returns its output in order. */
  runFlow(flow: Flow<unknown>, options: FlowRunOptions): Promise<unknown[]>;
  /**
   * Compiles a function of tensors (as `fn` does) into something callable more than once, so a second call
   * reuses the first call's trace. Runners without a compiled-function form leave it out.
   */
  compileFn?(f: (...args: any[]) => unknown): (...args: unknown[]) => unknown;
  /** Looser (or tighter) tolerances than DEFAULT_TOLERANCES, for a backend whose contract says so. */
  readonly tolerances?: Partial<Tolerances>;
}

/** The reference every runner is compared with: the eager interpreter, and plain calls of the function. */
export const eagerReference = {
  name: 'eager',
  runFlow: (flow: Flow<unknown>): Promise<unknown[]> => eagerCollect(flow),
  callFn: (f: (...args: any[]) => unknown, args: readonly unknown[]): unknown => f(...args),
} as const;

/**
 * The graph executor, `compile(flow, { ...options, batchSize }).collect()`, and `fn(f)` for functions (with the
 * same optimizer passes).
 *
 * ```ts
 * graphRunner({ passes: { cse: false } }, 'graph, no CSE');
 * ```
 */
export function graphRunner(options: CompileOptions = {}, name = describeOptions(options)): GraphRunner {
  return {
    name,
    runFlow: (flow, o) => compile(flow, { ...options, ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}) }).collect(),
    // fn() runs the expression optimizer only, which rejects the stream passes' names.
    compileFn: (f) => fn(f, options.passes !== undefined ? { passes: exprPasses(options.passes) } : {}) as (...args: unknown[]) => unknown,
  };
}

function describeOptions(o: CompileOptions): string {
  const parts = Object.entries(o).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return parts.length === 0 ? 'graph' : `graph (${parts.join(', ')})`;
}

/**
 * The optimizer's passes, by the names `CompileOptions.passes` switches: the expression passes and the
 * stream passes (operator fusion, filter and projection pushdown), each checked on and off.
 */
export const OPTIMIZER_PASSES: readonly string[] = PLAN_PASSES;

/** A `passes` option switching off the named passes (all of them by default). */
export function passesOff(names: readonly string[] = OPTIMIZER_PASSES): Record<string, boolean> {
  return Object.fromEntries(names.map((n) => [n, false]));
}

/**
 * The runners the differential properties check by default: the graph executor with every optimizer pass, and
 * without any (so a pass cannot hide an executor bug, nor the executor a pass bug). Later backends add theirs.
 */
export function defaultGraphRunners(): GraphRunner[] {
  return [graphRunner({}, 'graph'), graphRunner({ passes: passesOff() }, 'graph, no optimizer passes')];
}
