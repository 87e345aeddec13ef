import type { Worker } from 'node:worker_threads';
import { nodeBuiltin, wasmApi, WasmInstance, WasmMemory } from './wasm_api';

/** Choices for {@link WasmThreads}. */
export interface WasmThreadsOptions {
  /** Threads in all, the calling one included; 1 runs every job on the caller. Default: {@link defaultThreadCount}. */
  readonly threads?: number;
}

/**
 * More threads than this are never started by default: each worker is a V8 isolate (a few MB, ~25 ms to
 * start), and splitting a ~3 ms kernel call further than 8 ways has not been measured to pay.
 */
export const MAX_DEFAULT_THREADS = 8;

/**
 * Int32 slots of the control block, shared by the caller and every worker (the worker source reads these
 * indices from its workerData, so this table is the only place they are written down).
 *
 * A run publishes its jobs by writing FN, ARITY, COUNT and the arguments, then storing REMAINING = COUNT and
 * bumping WAKE. Any thread claims a job with `Atomics.sub(REMAINING, 1)`: a result r > 0 is job COUNT - r;
 * r <= 0 means nothing is left (REMAINING may go negative; the next run overwrites it). The parameters are
 * read only after a successful claim, and a run cannot finish (so the caller cannot write the next one's)
 * while a claimed job is unfinished, so a worker that wakes late never reads a half-written run.
 *
 * A staged run (runStaged) stores REMAINING = 0, so no job is claimed that way, and claims through CLAIM
 * instead (the worker source says how); its jobs wait on their READY flags.
 */
const C = {
  /** Bumped once a run is published; idle workers Atomics.wait on it. */
  WAKE: 0,
  /** Set by close(): workers leave their loop. */
  STOP: 1,
  REMAINING: 2,
  /** Jobs finished; whoever finishes the last one notifies (only the caller waits on it). */
  DONE: 3,
  COUNT: 4,
  /** Index into the export names both sides share. */
  FN: 5,
  ARITY: 6,
  /** Jobs that threw; the first sets ERR_JOB, ERR_WHERE (0: caller, i + 1: worker i) and the message. */
  FAILED: 7,
  ERR_JOB: 8,
  ERR_WHERE: 9,
  ERR_LEN: 10,
  /** A staged run's number (1, 2, ...): its claims and ready flags hold it (runStaged). */
  ROUND: 11,
  /** A staged run's next job from the front, under the run's tag (frontTag); a worker takes it with compareExchange. */
  FRONT: 12,
  /** The first failure's message, one UTF-16 unit a slot, ERR_CAPACITY of them. */
  ERR_TEXT: 16,
  ARGS: 16 + 512,
  /** Per job of a staged run: READY holds its round once its inputs are in (minus it: cancelled). */
  READY: 16 + 512 + 16384,
  /** Per job of a staged run: CLAIM holds the round of the last thread to claim it (compareExchange). */
  CLAIM: 16 + 512 + 16384 + 1024,
  END: 16 + 512 + 16384 + 2048,
} as const;
const ERR_CAPACITY = C.ARGS - C.ERR_TEXT;
/** Argument slots: 64 KiB. A run with more arguments than this goes in several rounds. */
const ARG_CAPACITY = C.READY - C.ARGS;
/**
 * Jobs staged for each worker, beyond the one it takes next, before a staged run's interlude: the dense
 * benchmark's interlude (building the next batch, ~0.6 ms) is about two of its chunks' time on a worker.
 */
const INTERLUDE_AHEAD = 2;
/** Jobs a staged run can have; one with more stages them all, then runs them as `run` does. */
const STAGED_CAPACITY = C.CLAIM - C.READY;

/**
 * Spin iterations (one Atomics.load each, ~5 ns) a worker polls WAKE before it sleeps in Atomics.wait: about
 * 0.1 ms. On this VM a sleeping worker took ~0.3 ms to wake (a futex wake, a reschedule, maybe a halted
 * vCPU), so a caller about to publish a run calls {@link WasmThreads.wake} before its serial part (copying
 * its inputs in); the workers are awake when the jobs come. Spinning longer (~1 ms, 200000) gave the dense
 * benchmark the same wall time (69-73 ms against 67-73) for more CPU time (134 ms against 111-120), and
 * costs most where another process wants the core.
 */
const IDLE_SPIN = 20000;

/**
 * The worker's whole program, fixed text (nothing from input goes into it). It instantiates the module on
 * the shared memory, reports `ready`, then loops: claim and run jobs until none is left, spin briefly, sleep
 * on WAKE. Every job ends with DONE incremented, in a `finally`, so the caller's wait always ends.
 */
const WORKER_SOURCE = `'use strict';
(function main() {
  const { workerData, parentPort } = require('node:worker_threads');
  const { module, memory, importModule, importName, exportNames, control, slot, spin, C } = workerData;
  const ctl = new Int32Array(control);
  // If this throws, the parent hears it as 'error' then 'exit', and this worker never claims a job.
  const exports = new WebAssembly.Instance(module, { [importModule]: { [importName]: memory } }).exports;
  const fns = exportNames.map((name) => exports[name]);
  parentPort.postMessage('ready');
  const fail = (job, e) => {
    if (Atomics.add(ctl, C.FAILED, 1) !== 0) return;
    let text;
    try { text = String(e); } catch { text = 'an exception'; }
    const n = Math.min(text.length, C.ARGS - C.ERR_TEXT);
    for (let i = 0; i < n; i++) ctl[C.ERR_TEXT + i] = text.charCodeAt(i);
    ctl[C.ERR_LEN] = n;
    ctl[C.ERR_JOB] = job;
    ctl[C.ERR_WHERE] = slot + 1;
  };
  // Runs job \`job\` of the published run of \`count\` (unless it was cancelled), then counts it done.
  const runJob = (job, count, run) => {
    try {
      if (run) {
        const arity = ctl[C.ARITY];
        const at = C.ARGS + job * arity;
        try {
          fns[ctl[C.FN]].apply(undefined, Array.prototype.slice.call(ctl, at, at + arity));
        } catch (e) {
          fail(job, e);
        }
      }
    } finally {
      if (Atomics.add(ctl, C.DONE, 1) + 1 === count) Atomics.notify(ctl, C.DONE);
    }
  };
  // A staged run's jobs from the front, each once its READY flag holds the round. A claim is a
  // compareExchange of CLAIM from an older round to this one: it fails once the caller (claiming from the
  // back) or another worker has the job, or for a round that is over, whose jobs (and unused slots) hold
  // its number or a later one. So a worker that reads ROUND late claims nothing of the next run.
  const staged = () => {
    const round = Atomics.load(ctl, C.ROUND);
    const tag = (round & 0x7fff) << 16;
    for (;;) {
      // FRONT holds this run's tag over the next index: a worker still looping over an older run stops
      // here instead of taking an index of this one (which would leave that job to the caller's sweep).
      const front = Atomics.load(ctl, C.FRONT);
      if ((front & ~0xffff) !== tag) return;
      const job = front & 0xffff;
      if (job >= C.CLAIM - C.READY) return;
      if (Atomics.compareExchange(ctl, C.FRONT, front, front + 1) !== front) continue;
      const v = Atomics.load(ctl, C.CLAIM + job);
      if (v >= round || Atomics.compareExchange(ctl, C.CLAIM + job, v, round) !== v) return;
      let ready = Atomics.load(ctl, C.READY + job);
      for (let i = 0; ready !== round && ready !== -round; ready = Atomics.load(ctl, C.READY + job)) {
        if (++i > spin) Atomics.wait(ctl, C.READY + job, ready);
      }
      runJob(job, ctl[C.COUNT], ready === round);
    }
  };
  let seen = Atomics.load(ctl, C.WAKE);
  while (Atomics.load(ctl, C.STOP) === 0) {
    staged();
    for (let r = Atomics.sub(ctl, C.REMAINING, 1); r > 0; r = Atomics.sub(ctl, C.REMAINING, 1)) {
      const count = ctl[C.COUNT];
      runJob(count - r, count, true);
    }
    for (let i = 0; i < spin && Atomics.load(ctl, C.WAKE) === seen; i++);
    Atomics.wait(ctl, C.WAKE, seen);
    seen = Atomics.load(ctl, C.WAKE);
  }
})();
`;

interface ModuleDescriptor {
  readonly name: string;
  readonly kind: string;
  readonly module?: string;
}

/** WebAssembly.Module's static reflection, which wasm_api.ts does not type. */
interface ModuleReflection {
  imports(module: object): readonly ModuleDescriptor[];
  exports(module: object): readonly ModuleDescriptor[];
}

type WorkerThreads = typeof import('node:worker_threads');
type Os = typeof import('node:os');

/**
 * `os.availableParallelism()`, capped at MAX_DEFAULT_THREADS; 1 where it cannot be known.
 *
 * ```ts
 * defaultThreadCount(); // 2 on the 2-core CI machine
 * ```
 */
export function defaultThreadCount(): number {
  const os = nodeBuiltin<Os>('node:os');
  const cores = os?.availableParallelism?.() ?? os?.cpus().length ?? 1;
  return Math.max(1, Math.min(MAX_DEFAULT_THREADS, cores));
}

const isShared = (buffer: unknown): boolean => Object.prototype.toString.call(buffer) === '[object SharedArrayBuffer]';
const isI32 = (v: number): boolean => (v | 0) === v || v >>> 0 === v;

type Fn = (...args: number[]) => unknown;

/**
 * Intra-op parallelism for a WebAssembly kernel: the calling thread and `threads - 1` worker threads each
 * instantiate one module on one shared memory, and {@link WasmThreads.run} spreads a list of calls of one
 * export over them, returning when all are done. The module must import exactly one memory (a shared one,
 * for workers to start) and export functions of i32 parameters; results are ignored: jobs write to memory.
 *
 * Jobs and their arguments go through a SharedArrayBuffer and Atomics.wait/notify (a run costs microseconds,
 * not postMessage's ~50 µs a message). Jobs are claimed one at a time from a shared counter by whichever
 * thread is free, the caller first, so a worker that is slow to wake, busy elsewhere or gone only means the
 * caller runs more of them. Workers are unref'd: they never keep the process alive; `close()` ends them.
 * Where there are no workers (one core, no worker_threads or no shared memory) every job runs on the caller.
 *
 * ```ts
 * const memory = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
 * const bytes = buildGemmModule(GEMM_TILE, { module: 'env', name: 'memory', initial: 64, maximum: 64, shared: true });
 * const pool = new WasmThreads(bytes, memory);
 * pool.run('rows_4', [[a, b, c, 512, k, lda, ldc], [a + 512 * lda, b, c + 512 * ldc, 512, k, lda, ldc]]);
 * void pool.close();
 * ```
 */
export class WasmThreads {
  /** The caller's instance of the module, on the shared memory, for calls that are not split. */
  readonly exports: Readonly<Record<string, unknown>>;
  private readonly exportNames: readonly string[];
  private readonly fns: readonly Fn[];
  private readonly ctl: Int32Array | null;
  private readonly workers: readonly Worker[];
  private readonly started: readonly Promise<void>[];
  private live: number;
  private closed = false;
  private failure: Error | undefined;
  /** The last staged run's number (C.ROUND). */
  private stagedRounds = 0;
  /** A run is under way: a kernel called from inside one (an interlude, `alongside`) runs on the caller alone. */
  private busy = false;

  /**
   * Compiles `bytes`, instantiates it on the caller (throwing what WebAssembly throws if it cannot) and
   * starts the workers, which get ready in the background (see {@link ready}); until then the caller runs
   * the jobs they would have taken.
   */
  constructor(bytes: Uint8Array, memory: WasmMemory, options: WasmThreadsOptions = {}) {
    const threads = options.threads ?? defaultThreadCount();
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`WasmThreads: 'threads' is ${threads}; expected an integer >= 1`);
    const api = wasmApi();
    if (api === null) throw new Error('WasmThreads: this runtime has no WebAssembly');
    const module = new api.Module(bytes);
    const reflect = api.Module as unknown as ModuleReflection;
    const imports = reflect.imports(module);
    if (imports.length !== 1 || imports[0].kind !== 'memory') {
      throw new Error(`WasmThreads: the module must import one memory and nothing else; it imports ${imports.map((i) => `${i.module}.${i.name} (${i.kind})`).join(', ') || 'nothing'}`);
    }
    const importModule = imports[0].module ?? '';
    const importName = imports[0].name;
    const instance: WasmInstance = new api.Instance(module, { [importModule]: { [importName]: memory } });
    this.exports = instance.exports;
    this.exportNames = reflect.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
    this.fns = this.exportNames.map((name) => instance.exports[name] as Fn);

    const wt = threads > 1 && typeof SharedArrayBuffer === 'function' && isShared(memory.buffer) ? nodeBuiltin<WorkerThreads>('node:worker_threads') : undefined;
    if (wt === undefined) {
      this.ctl = null;
      this.workers = [];
      this.started = [];
      this.live = 0;
      return;
    }
    const control = new SharedArrayBuffer(4 * C.END);
    const ctl = new Int32Array(control);
    this.ctl = ctl;
    const workers: Worker[] = [];
    const started: Promise<void>[] = [];
    for (let slot = 0; slot < threads - 1; slot++) {
      const worker = new wt.Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, importModule, importName, exportNames: this.exportNames, control, slot, spin: IDLE_SPIN, C },
        // No loaders (tsx, ts-node) in the worker: its code is plain JS. V8 flags are process-wide anyway.
        execArgv: [],
      });
      worker.unref();
      // A worker that failed (could not instantiate) emits 'error' then 'exit', having claimed no job it did
      // not finish, so nothing waits for it: `live` drops and ready() reports the error.
      started.push(
        new Promise<void>((resolve) => {
          worker.once('message', () => resolve());
          worker.once('exit', () => {
            this.live--;
            resolve();
          });
        }),
      );
      worker.on('error', (e) => {
        this.failure ??= e;
      });
      workers.push(worker);
    }
    this.workers = workers;
    this.started = started;
    this.live = workers.length;
  }

  /**
   * A run is under way (this is called from inside one: an interlude or `alongside`). A kernel that keeps
   * its data in the shared memory must not touch it then: the run's workers are reading it.
   */
  get running(): boolean {
    return this.busy;
  }

  /** Threads that take jobs: the caller plus the workers not known to have exited. */
  get threads(): number {
    return 1 + this.live;
  }

  /**
   * Resolves once every worker has instantiated the module, with the number of threads taking jobs; rejects
   * if a worker failed (the others and the caller still take jobs). Not needed for correctness: for
   * benchmarks and tests that want the workers in the race.
   */
  async ready(): Promise<number> {
    await Promise.all(this.started);
    if (this.failure !== undefined) throw new Error(`WasmThreads: a worker failed: ${String(this.failure)}`, { cause: this.failure });
    return this.threads;
  }

  /**
   * Tells the workers a run is coming: asleep, they wake now and spin (IDLE_SPIN) instead of taking a wake-up's
   * latency when the run is published. Call it before the serial part that precedes a run (copying inputs in).
   */
  wake(): void {
    const ctl = this.ctl;
    if (ctl === null || this.closed) return;
    Atomics.add(ctl, C.WAKE, 1);
    Atomics.notify(ctl, C.WAKE);
  }

  /**
   * Calls `exports[exportName](...job)` for every job, on the workers and the calling thread, and returns
   * once all have returned. Jobs run in any order and concurrently, so they must not write where another
   * reads or writes. If any throws (a trap: out-of-bounds access, unreachable), the others still run, then
   * this throws an Error naming the export, the job and its arguments: no worker is still running a job of
   * this call when it returns or throws. `alongside`, if given, runs on the calling thread once the jobs are
   * published and before it takes any itself (its own share of the work, done some other way: copying its
   * inputs in block by block, say); whatever it throws is thrown after the jobs are done.
   *
   * ```ts
   * pool.run('fill', [[0, 1024], [4096, 1024]]); // fill(0, 1024) and fill(4096, 1024), in parallel
   * ```
   */
  run(exportName: string, jobs: readonly (readonly number[])[], alongside?: () => void): void {
    const fnIndex = this.checkedFn('run', exportName, jobs);
    const fn = this.fns[fnIndex];
    const arity = fn.length;
    if (this.ctl === null || this.live === 0 || this.busy || (jobs.length < 2 && alongside === undefined)) {
      alongside?.();
      runHere(exportName, fn, jobs);
      return;
    }
    const perRound = Math.min(ARG_CAPACITY, Math.floor(ARG_CAPACITY / Math.max(1, arity)));
    this.busy = true;
    try {
      for (let first = 0; first < jobs.length; first += perRound) {
        this.round(exportName, fnIndex, jobs, first, Math.min(jobs.length, first + perRound), first === 0 ? alongside : undefined);
      }
    } finally {
      this.busy = false;
    }
  }

  /**
   * Runs every job, like {@link run}, when each needs the caller to put its inputs into the memory first
   * (copying them from a buffer only the calling thread can read). The caller stages jobs from the front,
   * `stage(j)`, keeping one ready for each worker; workers take them in order as they become ready. In
   * between, the caller takes jobs from the back and runs them its own way, `self(j, feed)`, which calls
   * `feed()` between its steps so that a worker is never left waiting on the caller's current job. The two
   * meet in the middle, wherever the threads' speeds put them: the caller's copying is balanced against the
   * workers' computing. Staged jobs nobody has taken by then the caller runs as `exports[exportName](...job)`.
   * `interlude`, if given, runs once on the caller early on, after INTERLUDE_AHEAD more jobs a worker are
   * staged (other work of the caller's, done while the workers compute; caller-work.ts).
   * Errors are thrown as `run` throws them; one thrown by `stage`, `self` or `interlude` is thrown once the
   * workers are done with this run (jobs not yet staged are cancelled).
   *
   * ```ts
   * pool.runStaged('span', jobs, (j) => copyRowsOf(j), (j, feed) => runMyBlocksOf(j, feed));
   * ```
   */
  runStaged(exportName: string, jobs: readonly (readonly number[])[], stage: (job: number) => void, self: (job: number, feed: () => void) => void, interlude?: () => void): void {
    const fnIndex = this.checkedFn('runStaged', exportName, jobs);
    const fn = this.fns[fnIndex];
    const ctl = this.ctl;
    if (ctl === null || this.live === 0 || this.busy) {
      interlude?.();
      for (let j = 0; j < jobs.length; j++) self(j, noFeed);
      return;
    }
    if (jobs.length > STAGED_CAPACITY || jobs.length * fn.length > ARG_CAPACITY) {
      for (let j = 0; j < jobs.length; j++) stage(j);
      this.run(exportName, jobs, interlude);
      return;
    }
    this.busy = true;
    try {
      const count = jobs.length;
      const round = ++this.stagedRounds;
      this.publish(fnIndex, jobs, 0, count);
      // Slots past this run's jobs are claimed already, so a worker that gets one from FRONT stops there.
      ctl.fill(round, C.CLAIM + count, C.CLAIM + STAGED_CAPACITY);
      ctl[C.FRONT] = frontTag(round);
      Atomics.store(ctl, C.REMAINING, 0);
      Atomics.store(ctl, C.ROUND, round);
      Atomics.add(ctl, C.WAKE, 1);
      Atomics.notify(ctl, C.WAKE);

      const claim = (j: number): boolean => {
        const v = Atomics.load(ctl, C.CLAIM + j);
        return v < round && Atomics.compareExchange(ctl, C.CLAIM + j, v, round) === v;
      };
      const ready = (j: number, value: number): void => {
        Atomics.store(ctl, C.READY + j, value);
        Atomics.notify(ctl, C.READY + j);
      };
      let ahead = this.live;
      let staged = 0;
      let back = count;
      const feed = (): void => {
        while (staged < back && staged - (Atomics.load(ctl, C.FRONT) & 0xffff) < ahead) {
          stage(staged);
          ready(staged++, round);
        }
      };
      let callerError: { readonly e: unknown } | undefined;
      try {
        if (interlude !== undefined) {
          ahead += INTERLUDE_AHEAD * this.live;
          feed();
          ahead = this.live;
          interlude();
        }
        feed();
        while (back - 1 >= staged && claim(back - 1)) {
          back--;
          try {
            self(back, feed);
          } finally {
            Atomics.add(ctl, C.DONE, 1);
          }
        }
        // Workers hold every job below `back` they have taken: those still to be staged are staged now.
        while (staged < back) {
          stage(staged);
          ready(staged++, round);
        }
      } catch (e) {
        callerError = { e };
        for (let j = staged; j < count; j++) ready(j, -round);
      }
      // Staged jobs no worker has taken (and, after an error, every job nobody has): the caller's, as a worker runs them.
      let cause: { readonly e: unknown } | undefined;
      for (let j = 0; j < count; j++) {
        if (!claim(j)) continue;
        if (callerError === undefined) cause = this.runHereCounted(fn, jobs[j], j) ?? cause;
        Atomics.add(ctl, C.DONE, 1);
      }
      this.finish(exportName, jobs, 0, count, cause?.e, callerError);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Stops the workers and resolves when they have exited; `run` throws afterwards. Needs no await: the
   * workers are unref'd and leave their loop at once.
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    const ctl = this.ctl;
    if (ctl !== null) {
      Atomics.store(ctl, C.STOP, 1);
      Atomics.add(ctl, C.WAKE, 1);
      Atomics.notify(ctl, C.WAKE);
    }
    // terminate() as well: it interrupts a worker still starting up, and its promise is the exit.
    return Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined);
  }

  /** Jobs [first, end) through the control block; the caller claims jobs like any worker, then waits. */
  private round(exportName: string, fnIndex: number, jobs: readonly (readonly number[])[], first: number, end: number, alongside?: () => void): void {
    const ctl = this.ctl as Int32Array;
    const fn = this.fns[fnIndex];
    const count = end - first;
    this.publish(fnIndex, jobs, first, end);
    Atomics.store(ctl, C.REMAINING, count);
    Atomics.add(ctl, C.WAKE, 1);
    Atomics.notify(ctl, C.WAKE, alongside === undefined ? count - 1 : count);

    // The caller's own work first, while the workers take jobs; then it takes what they have not. A throw
    // there waits for the jobs all the same (they write memory the caller is about to reuse).
    let alongsideError: { readonly e: unknown } | undefined;
    try {
      alongside?.();
    } catch (e) {
      alongsideError = { e };
    }
    let cause: { readonly e: unknown } | undefined;
    for (let r = Atomics.sub(ctl, C.REMAINING, 1); r > 0; r = Atomics.sub(ctl, C.REMAINING, 1)) {
      const job = count - r;
      cause = this.runHereCounted(fn, jobs[first + job], job) ?? cause;
      Atomics.add(ctl, C.DONE, 1);
    }
    this.finish(exportName, jobs, first, count, cause?.e, alongsideError);
  }

  /**
   * Runs one job of the published run on the calling thread. If it throws and is the run's first failure,
   * records it in the control block (job `job`, the caller) and returns the exception, the error's cause.
   */
  private runHereCounted(fn: Fn, args: readonly number[], job: number): { readonly e: unknown } | undefined {
    const ctl = this.ctl as Int32Array;
    try {
      fn(...args);
    } catch (e) {
      if (Atomics.add(ctl, C.FAILED, 1) === 0) {
        ctl[C.ERR_JOB] = job;
        ctl[C.ERR_WHERE] = 0;
        return { e };
      }
    }
    return undefined;
  }

  /** The export's index in `fns`, once the jobs are checked against it. */
  private checkedFn(method: string, exportName: string, jobs: readonly (readonly number[])[]): number {
    if (this.closed) throw new Error(`WasmThreads.${method}('${exportName}'): called after close()`);
    const fnIndex = this.exportNames.indexOf(exportName);
    if (fnIndex < 0) throw new Error(`WasmThreads.${method}: the module has no function export '${exportName}' (it exports ${this.exportNames.join(', ')})`);
    const fn = this.fns[fnIndex];
    const arity = fn.length;
    jobs.forEach((job, i) => {
      if (job.length !== arity) throw new Error(`WasmThreads.${method}: job ${i} of '${exportName}' has ${job.length} arguments; the export takes ${arity}`);
      if (!job.every(isI32)) throw new Error(`WasmThreads.${method}: job ${i} of '${exportName}' has an argument that is not an i32: ${job.join(', ')}`);
    });
    return fnIndex;
  }

  /**
   * Writes jobs [first, end) into the control block. The previous run finished (DONE === its COUNT), so
   * every job was claimed and no thread reads these.
   */
  private publish(fnIndex: number, jobs: readonly (readonly number[])[], first: number, end: number): void {
    const ctl = this.ctl as Int32Array;
    const arity = this.fns[fnIndex].length;
    ctl[C.FN] = fnIndex;
    ctl[C.ARITY] = arity;
    ctl[C.COUNT] = end - first;
    ctl[C.DONE] = 0;
    ctl[C.FAILED] = 0;
    for (let j = first; j < end; j++) ctl.set(jobs[j], C.ARGS + (j - first) * arity);
  }

  /**
   * Waits until all `count` jobs are done, then throws the caller's own error if it had one, else the first
   * job's failure (`cause`: the caller's exception, if it was the caller's job that failed).
   */
  private finish(exportName: string, jobs: readonly (readonly number[])[], first: number, count: number, cause: unknown, callerError: { readonly e: unknown } | undefined): void {
    const ctl = this.ctl as Int32Array;
    for (let d = Atomics.load(ctl, C.DONE); d < count; d = Atomics.load(ctl, C.DONE)) Atomics.wait(ctl, C.DONE, d);
    if (callerError !== undefined) throw callerError.e;
    const failed = ctl[C.FAILED];
    if (failed === 0) return;
    const job = first + ctl[C.ERR_JOB];
    const where = ctl[C.ERR_WHERE];
    const text = where === 0 ? String(cause) : String.fromCharCode(...ctl.subarray(C.ERR_TEXT, C.ERR_TEXT + Math.min(ctl[C.ERR_LEN], ERR_CAPACITY)));
    throw failure(exportName, jobs, job, where === 0 ? 'the calling thread' : `worker ${where}`, text, failed, where === 0 ? cause : undefined);
  }
}

const noFeed = (): void => undefined;

/**
 * A staged run's FRONT starts at its number (15 bits of it) over index 0. A worker takes an index with a
 * compareExchange that keeps the tag, so one still looping over an earlier run (it read FRONT after the
 * caller published this one) sees another tag and stops. With a plain counter reset to 0 it took index 0
 * of the new run, could not claim it (its round was old) and stopped, then slept through the whole run:
 * job 0 was left to the caller's sweep, and the run to the caller alone. The spec "gives the worker job 0
 * of every run" lost it in 4-35 runs of 3000 that way.
 */
function frontTag(round: number): number {
  return (round & 0x7fff) << 16;
}

/** Every job on the calling thread, all of them even if one throws, as when workers share them. */
function runHere(exportName: string, fn: Fn, jobs: readonly (readonly number[])[]): void {
  let failed = 0;
  let first = -1;
  let cause: unknown;
  jobs.forEach((job, i) => {
    try {
      fn(...job);
    } catch (e) {
      if (failed++ === 0) [first, cause] = [i, e];
    }
  });
  if (failed > 0) throw failure(exportName, jobs, first, 'the calling thread', String(cause), failed, cause);
}

function failure(exportName: string, jobs: readonly (readonly number[])[], job: number, where: string, text: string, failed: number, cause: unknown): Error {
  const more = failed > 1 ? ` (${failed - 1} more of the ${jobs.length} jobs failed too)` : '';
  const message = `WasmThreads.run: ${exportName}(${jobs[job].join(', ')}), job ${job} of ${jobs.length}, failed on ${where}: ${text}${more}`;
  return cause === undefined ? new Error(message) : new Error(message, { cause });
}
