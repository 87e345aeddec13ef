import { Subject } from 'rxjs';
import { describeOperator, from, PipelineError, tap, type OperatorDesc, type Transform } from '@weir/dataflow';
import { eager } from '@weir/eager';

/** What one stage did during a step: everything it emitted (its inputs are the previous stage's outputs). */
export interface StageTrace {
  readonly label: string;
  readonly outputs: unknown[];
}

/** One step of the debugger: a source element (or the end of input) and what every stage did with it. */
export interface Step {
  /** 0-based index of the source element, or 'end' for what the stages flushed when the input ended. */
  readonly index: number | 'end';
  readonly input: unknown;
  readonly stages: readonly StageTrace[];
  /** The pipeline's outputs during this step (the last stage's outputs). */
  readonly outputs: readonly unknown[];
  readonly error?: PipelineError | Error;
}

/**
 * An eager run that advances one source element at a time and records what each stage emitted for it.
 *
 * How: the pipeline's operators are interleaved with taps (op0, tap, op1, tap, ...) and run by the eager
 * interpreter on a Subject as the source. Pushing one element into the Subject runs it through every stage
 * synchronously (eager evaluation is synchronous for synchronous callbacks), so everything the taps record
 * between two pushes belongs to that element; a stage's inputs are the previous stage's outputs. The taps
 * only observe: they pass elements on unchanged and keep keyBy's key, so keyed state, windows and errors
 * behave as in a plain eager run. Error stage names from the instrumented chain (`map#2` there) are mapped
 * back to the pipeline's own positions (`map#1`).
 */
export class DebugSession {
  readonly labels: readonly string[];
  private readonly subject = new Subject<unknown>();
  private current: { stages: StageTrace[]; outputs: unknown[] } = { stages: [], outputs: [] };
  private failure: PipelineError | Error | undefined;
  private completed = false;
  private next = 0;

  constructor(transform: Transform) {
    const operators = transform.operators;
    this.labels = operators.map((op, i) => describeOperator(op, i));
    const instrumented: OperatorDesc[] = [];
    operators.forEach((op, i) => {
      instrumented.push(op);
      instrumented.push(tap((x: unknown) => this.current.stages[i].outputs.push(x)));
    });
    eager(from(this.subject).pipe(...instrumented)).subscribe({
      next: (x) => this.current.outputs.push(x),
      error: (e: unknown) => (this.failure = renamed(e, operators)),
      complete: () => (this.completed = true),
    });
  }

  /** The run has failed or ended: no more steps. */
  get finished(): boolean {
    return this.failure !== undefined || this.completed;
  }

  /** Runs one source element through the stages. */
  push(input: unknown): Step {
    return this.record(this.next++, input, () => this.subject.next(input));
  }

  /** Ends the input: stages holding state (windows, reduce) flush. */
  end(): Step {
    return this.record('end', undefined, () => this.subject.complete());
  }

  private record(index: number | 'end', input: unknown, run: () => void): Step {
    if (this.finished) throw new Error('the run has ended');
    this.current = { stages: this.labels.map((label) => ({ label, outputs: [] })), outputs: [] };
    const before = this.failure;
    run();
    const error = this.failure !== before ? this.failure : undefined;
    return { index, input, stages: this.current.stages, outputs: this.current.outputs, error };
  }
}

/** Maps a PipelineError's stage from the instrumented chain (op i at position 2i) back to the pipeline's. */
function renamed(e: unknown, operators: readonly OperatorDesc[]): PipelineError | Error {
  if (!(e instanceof PipelineError)) return e instanceof Error ? e : new Error(String(e));
  const m = /^([A-Za-z]+)#(\d+)(.*)$/.exec(e.stage);
  if (m === null) return e;
  const position = Math.floor(Number(m[2]) / 2);
  if (position >= operators.length) return e;
  return new PipelineError(`${describeOperator(operators[position], position)}${m[3]}`, e.sourceIndex, e.cause, e.op);
}
