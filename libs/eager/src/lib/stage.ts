import { Observable, OperatorFunction, Subscriber, Subscription } from 'rxjs';
import { FlowLike, opOf, PipelineError } from '@weir/dataflow';
import type { Envelope } from './envelope';

/** What an operator implementation knows about where it runs. */
export interface StageContext {
  /** e.g. 'map#1', or 'zip#2/map#0' inside the other flow of a zip. */
  readonly stage: string;
  /** Whether a keyBy before this stage made the stream keyed (and no batch, zip or merge ended that). */
  readonly keyed: boolean;
  /** Evaluates another flow (zip's or merge's) in the same run, so one driver paces every source. */
  readonly nested: (flow: FlowLike) => Observable<Envelope>;
  /** Subscribes (via `subscribe`) so that the pull sources reached are pulled only while `gate()` holds. */
  readonly gated: <T>(gate: () => boolean, subscribe: () => T) => T;
}

/** One operator's eager implementation: a descriptor and its context give an RxJS operator on envelopes. */
export type OperatorImpl<D> = (op: D, ctx: StageContext) => OperatorFunction<Envelope, Envelope>;

/** A stage's reaction to its input. Both may throw: `subscribeStage` routes what they throw. */
export interface StageHandlers {
  next(env: Envelope): void;
  /** Defaults to completing the output. */
  complete?(): void;
}

/**
 * The error a stage reports: its name, the op when the error came from an op call, and the source element.
 *
 * ```ts
 * stageError('map#1', 2, new Error('boom')).message; // 'Stage map#1 failed on source element 2: boom'
 * ```
 */
export function stageError(stage: string, src: number | undefined, error: unknown): PipelineError {
  return new PipelineError(stage, src, error, opOf(error));
}

/**
 * Subscribes a stage's handlers to its input. This is the one place user-callback errors are caught: whatever
 * a handler throws becomes a PipelineError on `out`'s error channel, never an exception unwinding through the
 * driver or RxJS (whose SafeSubscriber would report it asynchronously, detached from the pipeline).
 * Errors from upstream are already PipelineErrors and pass through as they are.
 */
export function subscribeStage(
  source: Observable<Envelope>,
  out: Subscriber<Envelope>,
  ctx: StageContext,
  handlers: StageHandlers,
): Subscription {
  // A completion handler emits to stages that catch their own errors, so it should not throw; if it does
  // (a bug), the error still goes to the channel, naming the last element the stage saw.
  let last: number | undefined;
  return source.subscribe({
    next: (env) => {
      if (env.src !== undefined) last = env.src;
      try {
        handlers.next(env);
      } catch (e) {
        out.error(stageError(ctx.stage, env.src, e));
      }
    },
    error: (e) => out.error(e),
    complete: () => {
      try {
        if (handlers.complete) handlers.complete();
        else out.complete();
      } catch (e) {
        out.error(stageError(ctx.stage, last, e));
      }
    },
  });
}

/**
 * Makes an operator from `init`, which runs once per subscription: per-run state lives in its closure, so
 * the same flow can run twice, concurrently, with the same result (RxJS `map.ts` keeps its index the same way).
 *
 * ```ts
 * const count: OperatorImpl<TapOp> = (op, ctx) => operate(ctx, (out) => {
 *   let n = 0;
 *   return { next: (env) => out.next(rewrap(env, n++)) };
 * });
 * ```
 */
export function operate(ctx: StageContext, init: (out: Subscriber<Envelope>) => StageHandlers): OperatorFunction<Envelope, Envelope> {
  return (source) =>
    new Observable<Envelope>((out) => {
      const handlers = init(out);
      // init may end the stage at once (take(0)); then the input is never started.
      return out.closed ? undefined : subscribeStage(source, out, ctx, handlers);
    });
}
