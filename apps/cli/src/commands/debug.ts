import type { Command } from 'commander';
import { DebugSession } from '../lib/debug/session';
import { HELP, repl } from '../lib/debug/repl';
import { UsageError } from '../lib/errors';
import { loadPipeline } from '../lib/load-pipeline';
import { errorMode, mergedSchema } from '../lib/options';
import { openSource, RowErrors, type RowErrorMode } from '../lib/runtime';

interface DebugFlags {
  input: string;
  inputFormat?: string;
  schema?: string;
  errors: RowErrorMode;
}

const EXAMPLES = `
Examples:
  $ weir debug examples/sensors.ts --input examples/data/sensors.csv
  $ printf 'next\\nuntil value > 40\\nprint map#0 value\\nquit\\n' | weir debug examples/sensors.ts --input examples/data/sensors.csv

The pipeline runs eagerly, one source element per step; each step shows every stage's input and output for
that element. Commands are read from stdin, so a session can be scripted.

${HELP}`;

export function registerDebug(program: Command): void {
  program
    .command('debug')
    .description('step through a pipeline eagerly, element by element, stage by stage')
    .argument('<pipeline>', 'pipeline module (.ts or .js)')
    .requiredOption('-i, --input <file>', 'input file')
    .option('--input-format <format>', 'input format, when the extension does not say')
    .option('-s, --schema <file>', 'JSON schema file for the input fields')
    .option('-e, --errors <policy>', "bad input rows: 'fail' (show the error), 'skip', or a dead-letter file", errorMode, 'fail' as RowErrorMode)
    .addHelpText('after', EXAMPLES)
    .action(async (pipelinePath: string, flags: DebugFlags) => {
      const loaded = await loadPipeline(pipelinePath);
      if (loaded.kind === 'plan') throw new UsageError(`${pipelinePath} is a saved graph; debug steps through a pipeline's source (.ts or .js)`);
      if (flags.input === '-') throw new UsageError('debug reads its commands from stdin, so --input cannot be stdin');
      const schema = await mergedSchema(loaded.inputSchema, flags.schema);
      const rowErrors = new RowErrors(flags.errors);
      const source = await openSource(flags.input, { format: flags.inputFormat, schema, rowErrors, batchSize: 256 });
      const rows = source.rows()[Symbol.asyncIterator]();
      try {
        await repl(new DebugSession(loaded.transform), rows, { input: process.stdin, output: process.stdout, echo: process.stdin.isTTY !== true });
      } finally {
        await rows.return?.();
        await rowErrors.close();
      }
      const summary = rowErrors.summary();
      if (summary) process.stderr.write(`weir: warning: ${summary}\n`);
    });
}
