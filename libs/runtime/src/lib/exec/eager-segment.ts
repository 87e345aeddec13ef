import { Flow, OperatorDesc, PipelineError, StageIR } from '@weir/dataflow';
import { eager } from '@weir/eager';
import { Subject, Subscription } from 'rxjs';
import { batchToRows, ColumnBatch, rowsToBatch } from './batch';
import type { StageRunner } from './stage';

/**
 * A run of stateful operators (keyBy and what follows it, scan, reduce, windows, batch, take, skip, zip,
 * merge, flatMap) executed by the eager interpreter, fed a batch of rows at a time. Reusing the eager
 * operators means keyed state, window and lateness rules are the same code in both modes, so they cannot
 * drift apart. `first` is the position of ops[0] in the whole chain (for error messages).
 */
export function eagerSegment(ops: readonly OperatorDesc[], first: number, describe: () => StageIR[]): StageRunner {
  const input = new Subject<unknown>();
  const out: unknown[] = [];
  const outSrc: number[] = [];
  let pushedSrc: number[] = [];
  let base = 0;
  let current = 0;
  let failure: unknown = null;
  let completed = false;
  const label = ops.map((o, i) => `${o.kind}#${first + i}`).join(' -> ');
  const sub: Subscription = eager(new Flow({ kind: 'observable', value: input }, ops)).subscribe({
    // The eager operators already normalize what map/scan/reduce emit; take, window and the rest pass
    // elements as they are, here as in eager mode.
    next: (v) => {
      out.push(v);
      outSrc.push(current);
    },
    error: (e) => (failure = e),
    complete: () => (completed = true),
  });

  const drain = (): ColumnBatch[] => {
    if (failure !== null) throw remap(failure);
    if (out.length === 0) return [];
    const rows = out.splice(0, out.length);
    const src = Float64Array.from(outSrc.splice(0, outSrc.length));
    return [rowsToBatch(rows, src)];
  };

  // The eager interpreter numbers stages from 0 and source elements from the segment's own input; map both
  // back to the whole pipeline.
  const remap = (e: unknown): unknown => {
    if (!(e instanceof PipelineError)) return e;
    const m = /^(\w+)#(\d+)$/.exec(e.stage);
    const stage = m ? `${m[1]}#${Number(m[2]) + first}` : e.stage;
    const src = e.sourceIndex !== undefined ? pushedSrc[e.sourceIndex - base] : undefined;
    return new PipelineError(stage, src, e.cause, e.op);
  };

  return {
    label,
    get done() {
      return completed;
    },
    process(b) {
      const rows = batchToRows(b);
      base += pushedSrc.length;
      pushedSrc = Array.from(b.src);
      for (let i = 0; i < rows.length && !completed && failure === null; i++) {
        current = b.src[i];
        input.next(rows[i]);
      }
      return drain();
    },
    finish() {
      if (!completed && failure === null) input.complete();
      sub.unsubscribe();
      return drain();
    },
    describe,
  };
}
