import type { Flow } from '@weir/dataflow';
import { compareOutputs, describe, Mismatch } from './compare';
import { eagerReference, FlowRunOptions, GraphRunner } from './runners';

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

async function settle(run: () => unknown): Promise<Outcome> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Compares two outcomes: both succeed with outputs that agree, or both fail with the same message (an error is
 * part of the output: graph mode must name the same stage, op and element eagerly would). Returns a report
 * of the disagreement, or null.
 */
type Named = Pick<GraphRunner, 'name' | 'tolerances'>;

function disagreement(eager: Outcome, other: Outcome, runner: Named, what: string): string | null {
  if (eager.ok && other.ok) {
    const diffs = compareOutputs(eager.value, other.value, runner.tolerances);
    return diffs.length === 0 ? null : report(runner, what, diffs, eager.value, other.value);
  }
  if (!eager.ok && !other.ok) {
    const [a, b] = [messageOf(eager.error), messageOf(other.error)];
    return a === b ? null : `${what}: eager and ${runner.name} fail differently.\n  eager: ${a}\n  ${runner.name}: ${b}`;
  }
  return eager.ok
    ? `${what}: eager succeeds but ${runner.name} fails: ${messageOf((other as { error: unknown }).error)}\n  eager output: ${show(eager.value)}`
    : `${what}: ${runner.name} succeeds but eager fails: ${messageOf(eager.error)}\n  ${runner.name} output: ${show((other as { value: unknown }).value)}`;
}

function report(runner: Named, what: string, diffs: readonly Mismatch[], eager: unknown, other: unknown): string {
  const lines = diffs.map((d) => `  at ${d.path}: ${d.message}`);
  return `${what}: ${runner.name} disagrees with eager:\n${lines.join('\n')}\n  eager:  ${show(eager)}\n  ${runner.name}: ${show(other)}`;
}

/** A compact rendering of an output for reports (tensors as dtype[shape] values). */
export function show(x: unknown, depth = 0): string {
  if (Array.isArray(x)) {
    const items = x.slice(0, 12).map((v) => show(v, depth + 1));
    return `[${items.join(', ')}${x.length > 12 ? `, ... ${x.length - 12} more` : ''}]`;
  }
  if (typeof x === 'object' && x !== null && !(Symbol.toPrimitive in x) && Object.getPrototypeOf(x) === Object.prototype) {
    return `{ ${Object.entries(x).map(([k, v]) => `${k}: ${show(v, depth + 1)}`).join(', ')} }`;
  }
  return describe(x).replace(/^a tensor /, '');
}

/**
 * Calls `f` eagerly and through `runner.compileFn` (one compiled function, called once per input set, so
 * later calls reuse the trace) and reports the first disagreement, or null.
 *
 * ```ts
 * expect(await fnDisagreement(graphRunner(), (x) => ops.mul(x, 2), [[tensor([1, 2])]])).toBeNull();
 * ```
 */
export async function fnDisagreement(
  runner: Pick<GraphRunner, 'name' | 'compileFn' | 'tolerances'>, f: (...args: any[]) => unknown, inputSets: readonly (readonly unknown[])[],
): Promise<string | null> {
  const compileFn = runner.compileFn;
  if (compileFn === undefined) throw new Error(`runner '${runner.name}' has no compileFn`);
  const compiled = await settle(() => compileFn(f));
  for (const [i, args] of inputSets.entries()) {
    const eager = await settle(() => eagerReference.callFn(f, args));
    const other = compiled.ok ? await settle(() => (compiled.value as (...a: unknown[]) => unknown)(...args)) : compiled;
    const d = disagreement(eager, other, runner, `call ${i + 1} with (${args.map((a) => show(a)).join(', ')})`);
    if (d !== null) return d;
  }
  return null;
}

/**
 * Runs a flow eagerly and with `runner` and reports a disagreement, or null. `make` builds a fresh flow per
 * run with its own side outputs (e.g. the late records of event-time windows), which are compared too.
 */
export async function flowDisagreement(
  runner: GraphRunner,
  make: () => { readonly flow: Flow<unknown>; readonly side?: () => unknown },
  options: FlowRunOptions = {},
): Promise<string | null> {
  const run = async (go: (flow: Flow<unknown>) => Promise<unknown[]>): Promise<Outcome> => {
    const { flow, side } = make();
    const out = await settle(() => go(flow));
    return out.ok && side !== undefined ? { ok: true, value: { output: out.value, side: side() } } : out;
  };
  const eager = await run((flow) => eagerReference.runFlow(flow));
  const other = await run((flow) => runner.runFlow(flow, options));
  return disagreement(eager, other, runner, `pipeline (batchSize ${options.batchSize ?? 'default'})`);
}
