/**
 * Work the calling thread may do while a kernel's worker threads compute: the executor offers a task (build
 * the source's next batch) for the length of one stage's run; a threaded kernel in that run takes it (once),
 * hands its workers enough to do, runs the task, then goes on with its own share. Without it the workers sat
 * idle while the calling thread built each batch (about 0.6 ms of every 4.5 ms in the dense benchmark).
 *
 * The task must not call kernels: a kernel runs it mid-call (the thread pool would run a nested call on
 * the calling thread alone, but nothing is gained). It should not throw; what it throws is thrown by the
 * kernel that ran it.
 */
let offered: (() => void) | null = null;

/**
 * Runs `body` with `task` on offer to the kernels it calls; returns what `body` returns. The task runs at
 * most once, and not at all if no kernel takes it: the caller checks for itself whether it ran.
 *
 * ```ts
 * let next: ColumnBatch | undefined;
 * const outs = offerCallerWork(() => (next = buildNext()), () => stage.process(batch));
 * next ??= buildNext(); // no threaded kernel ran
 * ```
 */
export function offerCallerWork<T>(task: () => void, body: () => T): T {
  const before = offered;
  offered = task;
  try {
    return body();
  } finally {
    offered = before;
  }
}

/** The task on offer, now taken (a second call gets null), or null. For kernels. */
export function takeCallerWork(): (() => void) | null {
  const task = offered;
  offered = null;
  return task;
}
