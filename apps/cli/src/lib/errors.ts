import { PipelineError } from '@weir/dataflow';

/** Exit codes of `weir`: 0 success, 1 the pipeline failed, 2 bad usage or bad input. */
export const EXIT_OK = 0;
export const EXIT_PIPELINE = 1;
export const EXIT_USAGE = 2;

/** An error the CLI reports as bad usage (a wrong flag, a missing file, a pipeline module with no pipeline). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

// Errors are classified by name, not class, so a connector's error is recognized whatever copy of the module
// threw it. Bad input (a malformed row under --errors fail, a file that is not what its extension says) is
// exit 2 like bad usage: the user has to fix what they passed in, not the pipeline.
const USAGE_ERRORS: ReadonlySet<string> = new Set([
  'UsageError', 'SchemaError', 'FormatError', 'InputError', 'BadInputError', 'OutputPathError', 'CommanderError',
  'UnsupportedOptionError',
]);

export function exitCodeOf(error: unknown): number {
  const e = rootOf(error);
  if (e instanceof PipelineError) return EXIT_PIPELINE;
  const name = e instanceof Error ? e.name : '';
  return USAGE_ERRORS.has(name) ? EXIT_USAGE : EXIT_PIPELINE;
}

/**
 * The error to report. The eager interpreter wraps an error thrown by its source (our reader, on a bad row)
 * in a PipelineError for stage 'source'; that is bad input, not a pipeline failure, and is reported as the
 * reader's own error.
 */
export function rootOf(error: unknown): unknown {
  let e = error;
  while (e instanceof PipelineError && e.cause instanceof Error && USAGE_ERRORS.has(e.cause.name)) e = e.cause;
  return e;
}

/**
 * The report for a failed command: one line (`weir: error: ...`) a script can grep, then the details a
 * person needs (the hint, the cause chain; the stack only with WEIR_DEBUG=1, since a stack into Weir's
 * internals rarely helps a pipeline author).
 */
export function formatError(reported: unknown): string {
  const error = rootOf(reported);
  const first = `weir: error: ${firstLine(error)}`;
  const details: string[] = [];
  if (error instanceof UsageError && error.hint) details.push(error.hint);
  if (error instanceof PipelineError) {
    details.push(`  stage: ${error.stage}${error.op ? ` (op '${error.op}')` : ''}`);
    if (error.sourceIndex !== undefined) details.push(`  source element: ${error.sourceIndex} (0-based, counting input rows that were read)`);
    // Set by `weir run` from the reader's record lines (text files).
    const input = (error as { weirInput?: unknown }).weirInput;
    if (typeof input === 'string') details.push(`  input: ${input}`);
  }
  const hint = (error as { weirHint?: unknown } | null)?.weirHint;
  if (typeof hint === 'string') details.push(hint);
  const rest = restOfMessage(error);
  if (rest) details.push(rest);
  if (process.env.WEIR_DEBUG && error instanceof Error && error.stack) details.push(error.stack);
  return [first, ...details].join('\n');
}

function firstLine(error: unknown): string {
  const msg = error instanceof Error ? error.message : String(error);
  return msg.split('\n')[0];
}

function restOfMessage(error: unknown): string {
  const msg = error instanceof Error ? error.message : String(error);
  return msg.split('\n').slice(1).join('\n');
}
