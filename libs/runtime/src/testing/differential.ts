/**
 * The eager-vs-graph differential harness (CONVENTIONS habit 9). Weir's central invariant is that a pipeline
 * gives the same output eagerly and compiled; this is the machinery that checks it on random programs:
 *
 * - runners.ts: `GraphRunner`, the interface every way of running Weir implements (the graph executor with
 *   and without optimizer passes now; workers and the GPU later), and the eager reference.
 * - compare.ts: `compareOutputs` and the documented tolerances (`DEFAULT_TOLERANCES`).
 * - agree.ts: `fnDisagreement`, `flowDisagreement`: run both ways and report the difference.
 * - op-program.ts: random op graphs as JSON-able programs that run as `(ops, ...inputs) => ...` and print
 *   as code; build-program.ts, program-builder.ts, build-steps.ts, choices.ts build them from random choices;
 *   arb-op-graph.ts: `arbOpGraph`, `arbPool`, `inputsFromPool`.
 * - pipeline.ts (the case and its Flow), pipeline-format.ts (as code), pipeline-features.ts (the delicate
 *   semantics a case exercises), arb-pipeline.ts: `arbPipeline`, random pipelines over random record streams.
 *
 * A new backend adds a runner and runs the same properties:
 *
 * ```ts
 * for (const runner of [graphRunner({ workers: 2 }, 'graph, 2 workers')]) {
 *   it(`${runner.name} agrees with eager`, () =>
 *     fc.assert(fc.asyncProperty(arbPipeline(), async (c) => {
 *       const d = await flowDisagreement(runner, () => pipelineFlow(c), { batchSize: c.batchSize });
 *       if (d !== null) throw new Error(d);
 *     }), fcParameters(40)));
 * }
 * ```
 */
export type { FlowRunOptions, GraphRunner } from './runners';
export { defaultGraphRunners, eagerReference, graphRunner, OPTIMIZER_PASSES, passesOff } from './runners';
export type { Mismatch, Tolerance, Tolerances } from './compare';
export { compareOutputs, DEFAULT_TOLERANCES, floatsAgree } from './compare';
export { flowDisagreement, fnDisagreement, show } from './agree';
export type { ConstTensor, Creation, Json, OpProgram, ProgramArg, ProgramInput, ProgramNode, ValueType } from './op-program';
export { argType, dependsOnInputs, formatProgram, programFunction, programOutputs, rankOfType } from './op-program';
export type { BuildOptions, Step } from './build-program';
export { buildProgram } from './build-program';
export type { ArbOpGraphOptions, InputKind } from './arb-op-graph';
export { arbDType, arbInput, arbOpGraph, arbPool, arbShape, arbStep, inputsFromPool, withToString } from './arb-op-graph';
export type { AccSpec, FilterTest, KeySpec, PipelineCase, PipelineFeature, ScalarOf, SourceSpec, StageSpec } from './pipeline';
export { pipelineFlow, sourceRows } from './pipeline';
export { formatPipeline } from './pipeline-format';
export type { ArbPipelineOptions } from './arb-pipeline';
export { arbPipeline, buildPipeline } from './arb-pipeline';

/** fast-check settings for a property (seed, number of runs, and a replay path when one is given). */
export interface FcParameters {
  readonly seed: number;
  readonly numRuns: number;
  readonly path?: string;
}

/**
 * CI runs every property with a fixed seed and a bounded number of runs. `WEIR_FC_SEED=<n>` runs another seed,
 * `WEIR_FC_RUNS=<n>` runs n cases of every property (long soak runs), and `WEIR_FC_PATH=<path>` with the seed
 * fast-check printed replays one failing case at once (select its test with `-t`).
 *
 * ```ts
 * fc.assert(property, fcParameters(100)); // 100 runs with seed 42 unless the environment says otherwise
 * ```
 */
export function fcParameters(defaultRuns: number, env: NodeJS.ProcessEnv = process.env): FcParameters {
  const given = (v: string | undefined): v is string => v !== undefined && v !== '';
  const seed = given(env.WEIR_FC_SEED) ? Number(env.WEIR_FC_SEED) : 42;
  const runs = given(env.WEIR_FC_RUNS) ? Number(env.WEIR_FC_RUNS) : defaultRuns;
  if (!Number.isInteger(seed)) throw new TypeError(`WEIR_FC_SEED is ${JSON.stringify(env.WEIR_FC_SEED)}; expected an integer`);
  if (!Number.isInteger(runs) || runs < 1) throw new TypeError(`WEIR_FC_RUNS is ${JSON.stringify(env.WEIR_FC_RUNS)}; expected an integer >= 1`);
  return given(env.WEIR_FC_PATH) ? { seed, numRuns: runs, path: env.WEIR_FC_PATH } : { seed, numRuns: runs };
}

/** A Jest timeout for a property of `runs` runs at about `msPerRun` each, with room for shrinking. */
export function propertyTimeout(runs: number, msPerRun: number): number {
  return Math.max(60_000, runs * msPerRun * 3);
}
