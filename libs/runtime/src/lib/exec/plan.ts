import { projectionPushdown } from '@weir/optimizer';
import {
  describeSource, ErrorPolicy, loadPlanFile, runsEagerly, savePlanFile, warn, Flow, isFlow, isTransform, OperatorDesc, SourceDesc, StageIR, StreamGraph, Transform,
} from '@weir/dataflow';
import { eagerIterate } from '@weir/eager';
import { offerCallerWork } from '@weir/kernels-cpu';
import { batchToRows, ColumnBatch, rowsToBatch } from './batch';
import { buildRunners, CompileSettings, optimizedTrace, TraceCache } from './compile-stages';
import { makeContext } from './context';
import { explainPlan, ProjectionNote } from './explain';
import { propagate, Schema, stagesAhead } from './propagate';
import { schemaKey, schemaOf } from './schema';
import { ProjectionRequest, projectBuilt, ReadAhead, sourceBatches } from './source';
import type { RunStats, StageRunner } from './stage';

export interface CompileOptions {
  /** Rows per record batch (default 8192). */
  readonly batchSize?: number;
  /**
   * Worker threads for CPU stages. Worker-thread execution is not built yet: 0 (the default) and 'auto'
   * (which currently always chooses the main thread) are accepted; a positive number is an error rather
   * than a silent single-threaded run.
   */
  readonly workers?: number | 'auto';
  /** 'cpu' and 'auto' (which currently always chooses the CPU); 'gpu' is an error until the GPU backend lands. */
  readonly device?: 'cpu' | 'gpu' | 'auto';
  /** Switch optimizer passes off or on by name. */
  readonly passes?: Readonly<Record<string, boolean>>;
  /** A stage that cannot be traced is an error instead of a graph break. */
  readonly fullGraph?: boolean;
  readonly errors?: ErrorPolicy;
}

export const DEFAULT_BATCH_SIZE = 8192;

/** An option that names a capability Weir does not have yet (worker threads, the GPU). */
export class UnsupportedOptionError extends Error {
  override readonly name = 'UnsupportedOptionError';
}

/**
 * A compiled pipeline. Stages are traced against the input's schema when it is first known (from the data,
 * or ahead of time by `explain`/`save` when the source can be sampled) and the traces are cached per schema.
 */
export class Plan<T = unknown> {
  private readonly cache: TraceCache = new Map();
  private lastRunners: StageRunner[] | null = null;
  private lastSchema: Schema | null = null;
  /** projectionPushdown's decision per source schema (schemaKey), made once: traces are cached too. */
  private readonly projections = new Map<string, ProjectionNote>();
  private lastProjection: ProjectionNote | null = null;
  /** Counters of the most recent run (rows, batches, skipped and dead-lettered records). */
  lastStats: RunStats | null = null;

  constructor(
    readonly operators: readonly OperatorDesc[],
    readonly source: SourceDesc | null,
    readonly options: CompileOptions = {},
    /** A loaded plan's stages (graphs instead of user code), or null for a compiled one. */
    readonly saved: StreamGraph | null = null,
  ) {
    const bs = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(bs) || bs < 1) throw new TypeError(`compile: 'batchSize' is ${JSON.stringify(options.batchSize)}; expected an integer >= 1`);
    const w = options.workers ?? 0;
    if (w !== 0 && w !== 'auto') {
      throw new UnsupportedOptionError(`compile: 'workers: ${JSON.stringify(w)}' is not supported yet: worker-thread execution is not built, every stage runs on the main thread. Use 0 or 'auto'.`);
    }
    if (options.device === 'gpu') {
      throw new UnsupportedOptionError("compile: 'device: \"gpu\"' is not supported yet: there is no GPU backend. Use 'cpu' or 'auto'.");
    }
  }

  get batchSize(): number {
    return this.options.batchSize ?? DEFAULT_BATCH_SIZE;
  }

  /** Runs the plan, yielding output elements. `input` binds a Transform's source (or replaces the Flow's). */
  async *run(input?: unknown): AsyncGenerator<T> {
    for await (const b of this.runBatches(input)) for (const row of batchToRows(b)) yield row as T;
  }

  async collect(input?: unknown): Promise<T[]> {
    const out: T[] = [];
    for await (const x of this.run(input)) out.push(x);
    return out;
  }

  /**
   * Runs the plan batch by batch (the columnar form connectors write from). Pull-based: a batch is read from
   * the source only when the consumer asks for output, so memory stays bounded by the batch size.
   */
  async *runBatches(input?: unknown): AsyncGenerator<ColumnBatch> {
    const source = input !== undefined ? describeSource(input) : this.source;
    if (source === null) throw new Error('Plan.run: this plan was compiled from a pipeline(...) with no source; pass the input: plan.run(input)');
    if (runsEagerly() && this.saved === null) {
      // setRunEagerly(true): the same chain, element by element, for debugging.
      yield* this.runEagerly(new Flow(source, this.operators));
      return;
    }
    const ahead: ReadAhead = { next: null };
    yield* this.runSourceBatches((project) => sourceBatches(source, this.batchSize, project, ahead), ahead);
  }

  private async *runEagerly(flow: Flow): AsyncGenerator<ColumnBatch> {
    let rows: unknown[] = [];
    let next = 0;
    const flush = (): ColumnBatch => {
      const b = rowsToBatch(rows, Float64Array.from(rows, (_, i) => next + i));
      next += rows.length;
      rows = [];
      return b;
    };
    for await (const row of eagerIterate(flow)) {
      rows.push(row);
      if (rows.length >= this.batchSize) yield flush();
    }
    if (rows.length > 0) yield flush();
  }

  /**
   * Runs the plan over batches from a source. Given a function, it is called with the plan's projection
   * request, which the source asks once it knows its schema, before it builds any column: the CLI's
   * connectors then leave out the fields no stage reads (projectionPushdown). Batches already made are
   * narrowed by the same decision before the first stage (their columns were built, but filters no longer
   * copy them). With `ahead` (the source's ReadAhead), each batch's stages are offered the building of the
   * next one, to do while a threaded kernel's workers compute.
   *
   * ```ts
   * for await (const out of plan.runSourceBatches((project) => columnBatchesOf(source, project))) await writeColumnBatch(sink, out);
   * ```
   */
  async *runSourceBatches(input: AsyncIterable<ColumnBatch> | ((project: ProjectionRequest) => AsyncIterable<ColumnBatch>), ahead?: ReadAhead): AsyncGenerator<ColumnBatch> {
    const project: ProjectionRequest = (schema) => this.fieldsToDrop(schema);
    const batches = typeof input === 'function' ? input(project) : projectBuilt(input, project);
    const ctx = makeContext(this.options.errors ?? 'fail');
    const runners = buildRunners(this.operators, this.saved?.stages ?? null, this.settings(), ctx, this.cache);
    this.lastRunners = runners;
    this.lastStats = ctx.stats;
    const push = (from: number, bs: ColumnBatch[]): ColumnBatch[] => {
      let cur = bs;
      for (let k = from; k < runners.length && cur.length > 0; k++) {
        const next: ColumnBatch[] = [];
        for (const b of cur) if (b.length > 0 && !runners[k].done) next.push(...runners[k].process(b));
        cur = next;
      }
      return cur;
    };
    try {
      let stoppedAt = -1;
      for await (const b of batches) {
        ctx.stats.rowsIn += b.length;
        ctx.stats.batches++;
        if (this.lastSchema === null && b.length > 0) this.lastSchema = { fields: schemaOf(b), bare: b.bare };
        // A number run nobody checked yet goes only to a stage that checks as it reads (batch.ts).
        const first = b.unchecked !== undefined && runners[0]?.acceptsUncheckedRuns !== true ? b.unchecked() : b;
        // A threaded kernel in the stages may build the source's next batch while its workers compute.
        const next = ahead?.next ?? null;
        const outs = next !== null ? offerCallerWork(next, () => push(0, [first])) : push(0, [first]);
        for (const out of outs) {
          ctx.stats.rowsOut += out.length;
          yield out;
        }
        stoppedAt = runners.findIndex((r) => r.done);
        if (stoppedAt >= 0) break;
      }
      // Flush in order; stages before one that is done (take) are not flushed: it accepts nothing more.
      for (let k = Math.max(stoppedAt, 0); k < runners.length; k++) {
        for (const out of push(k + 1, runners[k].finish())) {
          ctx.stats.rowsOut += out.length;
          yield out;
        }
      }
    } finally {
      ctx.close();
    }
    if (ctx.stats.skipped > 0) {
      warn('WeirSkippedRecords', `Weir: ${ctx.stats.skipped} record(s) failed and were skipped by the 'skip' error policy`);
    }
  }

  /**
   * The stream graph with each stage's traced expression graph (or its graph-break reason). Traces from the
   * most recent run; before any run, traces ahead of time from a sample of the bound source when it is an
   * in-memory array (reading nothing else).
   */
  graph(): StreamGraph {
    if (this.saved !== null && this.lastRunners === null) return this.saved;
    if (this.lastRunners === null && this.lastSchema === null) this.sampleSchema();
    const stages: StageIR[] = this.lastRunners !== null ? this.lastRunners.flatMap((r) => r.describe()) : this.staticStages();
    const s = this.lastSchema;
    return { input: s?.fields ?? [], bare: s?.bare ?? false, stages };
  }

  explain(format: 'text' | 'dot' | 'json' = 'text'): string {
    const g = this.graph();
    return explainPlan(g, format, this.batchSize, this.lastProjection);
  }

  /**
   * Writes the plan as a versioned file (JSON for the graph, Arrow IPC for large constants) that `loadPlan`
   * runs with no user code. Its stages must be traced: the plan must have run once, or have a sampleable
   * in-memory source. A graph break cannot be saved (it is user code), and the error names it.
   */
  async save(path: string): Promise<void> {
    const g = this.graph();
    if (g.input.length === 0) {
      throw new Error('Plan.save: the plan has not been traced yet; run it once (plan.collect(input)) so every stage is compiled for its input schema');
    }
    await savePlanFile(path, g);
  }

  private settings(): CompileSettings {
    return { fullGraph: this.options.fullGraph === true, passes: this.options.passes };
  }

  private sampleSchema(): void {
    const src = this.source;
    if (src === null || src.kind !== 'iterable' || !Array.isArray(src.value) || src.value.length === 0) return;
    const rows = (src.value as unknown[]).slice(0, this.batchSize);
    const b = rowsToBatch(rows, new Float64Array(rows.length));
    this.lastSchema = { fields: schemaOf(b), bare: b.bare };
  }

  /**
   * Stages traced ahead of time from the known input schema (no data runs), as a run would trace them: for
   * the schema left once projectionPushdown has dropped what no stage reads.
   */
  private staticStages(): StageIR[] {
    const s = this.lastSchema;
    const traces = s === null ? [] : propagate(this.operators, withoutDropped(s, this.fieldsToDrop(s)), this.cache, (tr) => optimizedTrace(tr, this.settings()));
    const ctx = makeContext('fail');
    const runners = buildRunners(this.operators, null, { ...this.settings(), fullGraph: false }, ctx, this.cache);
    return runners.flatMap((r) => r.describe()).map((ir) => {
      if (!('expr' in ir) || ir.expr !== null) return ir;
      const tr = traces[ir.position];
      if (tr === undefined) return ir;
      return 'expr' in tr ? { ...ir, expr: tr.expr, breakReason: undefined, traced: tr.traced, passLog: tr.passLog } : { ...ir, breakReason: tr.breakReason };
    });
  }

  /**
   * The stream pass projectionPushdown for a source of `schema`: the fields no stage reads and no row carries
   * to the output, which the source then never builds. Decided once per schema from the stages traced ahead
   * of time (the traces are cached for the run). Kept for explain.
   */
  private fieldsToDrop(schema: Schema): ReadonlySet<string> {
    const key = schemaKey(schema.fields, schema.bare);
    let note = this.projections.get(key);
    if (note === undefined) {
      note = this.decideProjection(schema);
      this.projections.set(key, note);
    }
    this.lastProjection = note;
    this.lastSchema ??= schema;
    return new Set(note.dropped);
  }

  private decideProjection(schema: Schema): ProjectionNote {
    const fields = schema.fields.map((f) => f.name);
    const off = (reason: string): ProjectionNote => ({ fields, read: null, dropped: [], off: reason });
    if (this.options.passes?.projectionPushdown === false) return off('switched off');
    // A saved stage checks that every field it was traced with is there; it cannot be traced again.
    if (this.saved !== null) return off('a loaded plan runs its saved graphs, which name every field they were saved with');
    // A dead letter receives the record a stage failed on: it must be the whole record, not what the stages read.
    if (typeof this.options.errors === 'object') return off('a dead-letter policy receives whole records');
    if (schema.bare) return off('the stream carries bare elements, not records');
    const traces = propagate(this.operators, schema, this.cache, (tr) => optimizedTrace(tr, this.settings()));
    const read = projectionPushdown({ input: schema.fields, bare: schema.bare, stages: stagesAhead(this.operators, traces) });
    return read === null ? { fields, read: null, dropped: [] } : { fields, read: fields.filter((f) => read.has(f)), dropped: fields.filter((f) => !read.has(f)) };
  }
}

function withoutDropped(s: Schema, drop: ReadonlySet<string>): Schema {
  return drop.size === 0 ? s : { fields: s.fields.filter((f) => !drop.has(f.name)), bare: s.bare };
}

/**
 * Loads a plan saved by `plan.save`. Validates everything in the file first and evaluates nothing from it;
 * the plan runs from its graphs alone, with no user code present.
 *
 * ```ts
 * const plan = await loadPlan('graph.weir');
 * const out = await plan.collect(records);
 * ```
 */
export async function loadPlan<T = unknown>(path: string, options: CompileOptions = {}): Promise<Plan<T>> {
  const g = await loadPlanFile(path);
  return new Plan<T>(operatorsFor(g), null, options, g);
}

/**
 * Placeholder descriptors for a loaded plan's stages: the executor takes each stage's behaviour from the
 * saved graph, never from these callbacks, which only say so if something calls them.
 */
function operatorsFor(g: StreamGraph): OperatorDesc[] {
  const noCode = (s: StageIR) => () => {
    throw new Error(`Stage ${s.kind}#${s.position} of a loaded plan has no user code; it runs from its saved graph`);
  };
  return g.stages.map((s): OperatorDesc => {
    switch (s.kind) {
      case 'batch': return { kind: 'batch', size: s.size };
      case 'take': case 'skip': return { kind: s.kind, count: s.count };
      case 'countWindow': return { kind: 'countWindow', size: s.size, slide: s.slide };
      case 'timeWindow': return { kind: 'timeWindow', time: s.time, size: s.size, slide: s.slide, allowedLateness: s.allowedLateness };
      case 'zip': case 'merge': throw new Error(`Stage ${s.kind}#${s.position} cannot be loaded: it reads another flow`);
      case 'scan': case 'reduce': return { kind: s.kind, fn: noCode(s), seed: s.seed };
      default: return { kind: s.kind, fn: noCode(s) } as OperatorDesc;
    }
  });
}

/**
 * Compiles a Flow or a Transform into a Plan.
 *
 * ```ts
 * const plan = compile(pipeline(map((r) => ({ y: ops.mul(r.x, 2) }))), { batchSize: 1024 });
 * for await (const r of plan.run(records)) console.log(r.y);
 * ```
 */
export function compile<T = unknown>(flowOrTransform: Flow<T> | Transform<any, T>, options: CompileOptions = {}): Plan<T> {
  if (isFlow(flowOrTransform)) return new Plan<T>(flowOrTransform.operators, flowOrTransform.source, options);
  if (isTransform(flowOrTransform)) return new Plan<T>(flowOrTransform.operators, null, options);
  throw new TypeError(`compile: expected a Flow (from(...).pipe(...)) or a Transform (pipeline(...)); got ${typeof flowOrTransform}`);
}
