import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { errorMode, mergedSchema, positiveInt, workers } from './options';
import { parseSchema } from './runtime';

describe('shared flags', () => {
  it('--errors is fail, skip or a dead-letter path', () => {
    expect(errorMode('fail')).toBe('fail');
    expect(errorMode('skip')).toBe('skip');
    expect(errorMode('bad.ndjson')).toEqual({ deadLetter: 'bad.ndjson' });
    expect(() => errorMode(' ')).toThrow(InvalidArgumentError);
  });

  it('--workers and --batch-size', () => {
    expect(workers('auto')).toBe('auto');
    expect(workers('0')).toBe(0);
    expect(() => workers('-1')).toThrow(InvalidArgumentError);
    expect(positiveInt('--batch-size')('512')).toBe(512);
    expect(() => positiveInt('--batch-size')('1.5')).toThrow("--batch-size must be a positive integer; got '1.5'");
  });

  it("a --schema file's fields win over the pipeline's inputSchema, field by field", async () => {
    const fromPipeline = parseSchema({ a: { type: 'number' }, b: { type: 'string' } }, 'p');
    expect(await mergedSchema(fromPipeline, undefined)).toBe(fromPipeline);
    const dir = mkdtempSync(join(tmpdir(), 'weir-opt-'));
    try {
      const file = join(dir, 's.json');
      writeFileSync(file, '{"a": {"type": "string"}}');
      expect(await mergedSchema(fromPipeline, file)).toEqual([{ name: 'a', type: 'string' }, { name: 'b', type: 'string' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
