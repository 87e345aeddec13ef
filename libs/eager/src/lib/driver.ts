/**
 * A pull source's single step: pushes at most one element into the stage chain, or completes or fails it.
 * Asynchronous sources return a promise that settles when that step is done; a step never rejects (source
 * errors go to the chain's error channel).
 */
export interface Pump {
  step(): void | Promise<void>;
}

interface Entry {
  readonly pump: Pump;
  /** The gates of every zip downstream of this source: it may be pulled only when all are open. */
  readonly gates: readonly (() => boolean)[];
  /** When it was last pulled, for least-recently-pulled fairness. */
  stamp: number;
}

/**
 * Paces the sources of one run. Every iterable and async iterable source of the run (the main flow's and those
 * of flows under zip and merge) registers a pump; push sources (Observables) register a starter, run once the
 * whole chain is wired, and kick the driver when they deliver.
 *
 * Because the driver, not the source, decides when the next element is pulled, the same chain serves
 * `eager()` (pump until the sources end, synchronously while they are synchronous) and `eagerIterate()`
 * (`step()` on demand, so an infinite iterable is never drained ahead of the consumer). The ready source
 * pulled least recently goes next, one element each, so merge and zip of iterables interleave the same way in
 * both modes. A zip gates the sources feeding each of its sides (`gated`), so one side is not drained into
 * zip's buffer while the other (an Observable, say) has not caught up. Wiring happens before the first pull,
 * so when `take` completes, the teardown chain already reaches the source and stops it before the next pull.
 */
export class Driver {
  private readonly entries: Entry[] = [];
  private readonly starters: (() => void)[] = [];
  private readonly gateStack: (() => boolean)[] = [];
  private clock = 0;
  private started = false;
  private stopped = false;
  private running = false;

  /** @param kicked called when a push source delivered something, which may have opened a gate. */
  constructor(private readonly kicked: () => void) {}

  /** Registers a pull source; the returned function removes it (on completion or teardown). */
  add(pump: Pump): () => void {
    const entry: Entry = { pump, gates: [...this.gateStack], stamp: 0 };
    this.entries.push(entry);
    return () => {
      const i = this.entries.indexOf(entry);
      if (i >= 0) this.entries.splice(i, 1);
    };
  }

  /**
   * Runs `subscribe` so that every pull source it registers (synchronously, as subscribing wires the chain up
   * to its sources) is pulled only while `gate()` holds, on top of the gates already in force.
   */
  gated<T>(gate: () => boolean, subscribe: () => T): T {
    this.gateStack.push(gate);
    try {
      return subscribe();
    } finally {
      this.gateStack.pop();
    }
  }

  /** Registers a push source's start; the returned function cancels it if the run has not started yet. */
  onStart(start: () => void): () => void {
    if (this.started) {
      start();
      return () => undefined;
    }
    this.starters.push(start);
    return () => {
      const i = this.starters.indexOf(start);
      if (i >= 0) this.starters.splice(i, 1);
    };
  }

  /** Starts the push sources (once). */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const start of this.starters.splice(0)) start();
  }

  /** A push source delivered an element or ended. */
  kick(): void {
    if (!this.stopped) this.kicked();
  }

  /**
   * Pulls one element from the ready pull source pulled least recently. Returns false when none is ready (push
   * sources, if any, deliver the rest and kick), true after a synchronous step, or the pending step.
   */
  step(): boolean | Promise<void> {
    this.start();
    if (this.stopped) return false;
    let next: Entry | undefined;
    for (const e of this.entries) {
      if ((next === undefined || e.stamp < next.stamp) && e.gates.every((open) => open())) next = e;
    }
    if (next === undefined) return false;
    next.stamp = ++this.clock;
    const pending = next.pump.step();
    return pending === undefined ? true : pending;
  }

  /**
   * Pumps until no source is ready or the run stops: a loop, not recursion, for synchronous sources. A kick
   * while a run is in progress (or awaiting an async step) is absorbed by it.
   */
  run(): void {
    if (this.running) return;
    this.running = true;
    let pending: Promise<void> | undefined;
    try {
      for (;;) {
        const r = this.step();
        if (r === false) return;
        if (r !== true) {
          pending = r;
          return;
        }
      }
    } finally {
      if (pending === undefined) this.running = false;
      else {
        void pending.then(() => {
          this.running = false;
          this.run();
        });
      }
    }
  }

  /** Ends the run: no further pulls. */
  stop(): void {
    this.stopped = true;
  }
}
