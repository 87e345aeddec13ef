/**
 * The error a pipeline reports, in eager and graph mode alike: which stage (operator kind and position in
 * the chain), which op inside it when known, and the index of the source element that led to it.
 *
 * `Stage map#2 (op 'gather') failed on source element 17: ...`
 */
export class PipelineError extends Error {
  constructor(
    /** e.g. 'map#2': the operator's kind and its 0-based position in the chain. */
    readonly stage: string,
    /** The index (0-based) of the source element that led to the failure, when known. */
    readonly sourceIndex: number | undefined,
    override readonly cause: unknown,
    /** The op that failed inside the stage's callback, when known. */
    readonly op?: string,
  ) {
    super(PipelineError.format(stage, sourceIndex, cause, op));
    this.name = 'PipelineError';
  }

  static format(stage: string, sourceIndex: number | undefined, cause: unknown, op?: string): string {
    const opPart = op !== undefined ? ` (op '${op}')` : '';
    const where = sourceIndex !== undefined ? ` on source element ${sourceIndex}` : '';
    const msg = cause instanceof Error ? cause.message : String(cause);
    return `Stage ${stage}${opPart} failed${where}: ${msg}`;
  }
}

/** The op named by an error thrown inside an op call (OpError carries it), if any. */
export function opOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { op?: unknown }).op === 'string'
    ? (error as { op: string }).op
    : undefined;
}

/** How a pipeline treats a record whose processing throws. */
export type ErrorPolicy = 'fail' | 'skip' | { readonly deadLetter: string | ((record: unknown, error: PipelineError) => void) };
