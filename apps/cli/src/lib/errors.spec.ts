import { PipelineError } from '@weir/dataflow';
import { EXIT_PIPELINE, EXIT_USAGE, exitCodeOf, formatError, UsageError } from './errors';

function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

describe('CLI errors', () => {
  it('maps bad usage and bad input to 2, pipeline failures to 1', () => {
    expect(exitCodeOf(new UsageError('x'))).toBe(EXIT_USAGE);
    expect(exitCodeOf(named('BadInputError', 'in.csv line 3: bad'))).toBe(EXIT_USAGE);
    expect(exitCodeOf(named('SchemaError', 's'))).toBe(EXIT_USAGE);
    expect(exitCodeOf(new PipelineError('map#0', 3, new Error('boom')))).toBe(EXIT_PIPELINE);
    expect(exitCodeOf(new Error('anything else'))).toBe(EXIT_PIPELINE);
  });

  it("reports a bad row raised through the eager interpreter's source as bad input", () => {
    const wrapped = new PipelineError('source', 0, named('BadInputError', 'in.csv line 3, column \'v\': text where a number is expected'));
    expect(exitCodeOf(wrapped)).toBe(EXIT_USAGE);
    expect(formatError(wrapped)).toBe("weir: error: in.csv line 3, column 'v': text where a number is expected");
  });

  it('puts one line first, then the details', () => {
    const text = formatError(new PipelineError('map#2', 17, new Error('shapes differ'), 'add'));
    const [first, ...rest] = text.split('\n');
    expect(first).toBe("weir: error: Stage map#2 (op 'add') failed on source element 17: shapes differ");
    expect(rest).toEqual(["  stage: map#2 (op 'add')", '  source element: 17 (0-based, counting input rows that were read)']);
    expect(formatError(new UsageError('no such file', '  try this'))).toBe('weir: error: no such file\n  try this');
    const located = Object.assign(new PipelineError('map#0', 1, new Error('boom'), 'gather'), { weirInput: 'in.ndjson line 3' });
    expect(formatError(located).split('\n').slice(1)).toEqual(["  stage: map#0 (op 'gather')", '  source element: 1 (0-based, counting input rows that were read)', '  input: in.ndjson line 3']);
  });
});
