import type { ExprGraph, OptimizeOptions, OptimizeResult, PassRecord } from '@weir/dataflow';
import { checkSchema, checkWellFormed } from './graph/check';
import type { CountingPass } from './pass';
import { constantFolding } from './passes/constant-folding';
import { cse } from './passes/cse';
import { fusedReduce } from './passes/fused-reduce';
import { fusion } from './passes/fusion';
import { matmulPower } from './passes/matmul-power';
import { matmulReduce } from './passes/matmul-reduce';
import { pruning } from './passes/pruning';
import { simplify } from './passes/simplify';

/**
 * The expression passes in the order they run, the one place that order is written down. The driver repeats
 * the whole list until a round changes nothing, so a pass also sees what later passes did in the round before.
 */
const PIPELINE: readonly CountingPass[] = [
  // First: evaluates constant subexpressions (a captured weight transposed or scaled, 2 * 3), so the rules
  // below see literal constants (0, 1, identity matrices) and CSE has fewer nodes to compare.
  constantFolding,
  // After folding, whose constants its rules look for; before CSE, since its rewrites (composed transposes,
  // x + 0 -> x) make nodes that were different the same.
  simplify,
  // After simplify; before matmulPower, which needs "the same X" to be one node, and which CSE makes so of
  // equal constants and equal subexpressions.
  cse,
  // After simplify (matmul(eye, x) -> x turns power()'s loop from the identity into a plain chain of x) and
  // CSE (the same X is one node id).
  matmulPower,
  // After every rewriter above, each of which leaves the nodes it replaced behind; before fusion, which
  // counts consumers and must not count dead ones.
  pruning,
  // After every pass above: a fused node hides its ops from every other pass, so they must have had their
  // turn. What it leaves (constants inlined into programs) the next round's pruning removes.
  fusion,
  // Last, right after fusion: it folds a reduction's producer into it, and that producer should already be
  // one fused program (fusion stops at a reduction, so the group ends where this pass starts); run before
  // fusion, it would take only the single op next to the reduction and leave the rest of the group outside.
  fusedReduce,
  // After fusedReduce, whose node it takes whole: run first, it would take a bare matmul and sum and leave
  // the elementwise steps between them outside.
  matmulReduce,
];

/** The expression passes' names, in the order they run; `options.passes` switches them by these names. */
export const PASS_NAMES: readonly string[] = PIPELINE.map((p) => p.name);

/** Rounds of the whole pipeline at most; a pipeline that still changes the graph after this many stops there. */
export const MAX_ROUNDS = 16;

export interface OptimizerOptions extends OptimizeOptions {
  /**
   * Check after every pass that the graph is well formed and keeps its inputs, output dtypes and shapes and
   * effects (slower; for debugging passes). Default: on when WEIR_CHECK_PASSES=1, or under a test runner
   * (NODE_ENV=test) unless WEIR_CHECK_PASSES=0.
   */
  readonly check?: boolean;
}

function checkByDefault(): boolean {
  const env = typeof process === 'undefined' ? undefined : process.env;
  const flag = env?.WEIR_CHECK_PASSES;
  return flag === undefined ? env?.NODE_ENV === 'test' : flag === '1';
}

/** The passes `options.passes` leaves on; an unknown name is an error naming the known ones. */
function enabledPasses(passes: OptimizeOptions['passes']): CountingPass[] {
  const switches = passes ?? {};
  const unknown = Object.keys(switches).filter((k) => !PASS_NAMES.includes(k));
  if (unknown.length > 0) {
    throw new Error(`Unknown optimizer pass${unknown.length > 1 ? 'es' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; the passes are ${PASS_NAMES.join(', ')}`);
  }
  return PIPELINE.filter((p) => switches[p.name] !== false);
}

/**
 * Optimizes an expression graph: runs the enabled passes in order, round after round, until a round changes
 * nothing (at most MAX_ROUNDS). The log has one record per pass application that changed the graph, with the
 * graph after it. Matches dataflow's ExprOptimizer, so the runtime installs it with setExprOptimizer.
 *
 * ```ts
 * const { graph, log } = optimizeExpression(g, { passes: { fusion: false } });
 * log.map((r) => `${r.pass}: ${r.summary}`); // ['constantFolding: folded 2 nodes', 'pruning: removed 3 nodes']
 * ```
 */
export function optimizeExpression(g: ExprGraph, options: OptimizerOptions = {}): OptimizeResult {
  return runPasses(enabledPasses(options.passes), g, options.check ?? checkByDefault());
}

/**
 * The driver: `passes` in order, repeated to a fixed point (at most MAX_ROUNDS rounds). With `check`, the
 * graph is checked before, and after every pass that changed it (well formed, same schema).
 */
export function runPasses(passes: readonly CountingPass[], g: ExprGraph, check: boolean): OptimizeResult {
  if (check) checkWellFormed(g, '(input)');
  const log: PassRecord[] = [];
  let graph = g;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let changed = false;
    for (const pass of passes) {
      const r = pass.apply(graph);
      if (r === null) continue;
      if (check) {
        checkWellFormed(r.graph, pass.name);
        checkSchema(graph, r.graph, pass.name);
      }
      graph = r.graph;
      changed = true;
      log.push({ pass: pass.name, summary: r.summary, after: graph });
    }
    if (!changed) break;
  }
  return { graph, log };
}
