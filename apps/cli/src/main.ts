import { Command, CommanderError } from 'commander';
import { registerBench } from './commands/bench';
import { registerCompile } from './commands/compile';
import { registerDebug } from './commands/debug';
import { registerExplain } from './commands/explain';
import { registerRun } from './commands/run';
import { EXIT_OK, EXIT_USAGE, exitCodeOf, formatError } from './lib/errors';

const EXAMPLES = `
Examples:
  $ weir run examples/sensors.ts --input examples/data/sensors.csv --output out/sensor-means.csv
  $ weir explain examples/dense.ts --input examples/data/features.ndjson
  $ weir compile examples/dense.ts --input examples/data/features.ndjson -o dense.weir
  $ weir debug examples/sensors.ts --input examples/data/sensors.csv
  $ weir bench examples/dense.ts --input examples/data/features.ndjson

Run 'weir <command> --help' for a command's options. Exit codes: 0 success, 1 pipeline error, 2 bad usage or
bad input.`;

/** Builds the `weir` program; exported so tests can drive it in-process. */
export function buildProgram(): Command {
  const program = new Command('weir')
    .description('Weir: run dataflow pipelines over streams of records that carry tensors, eagerly or compiled')
    .version('0.1.0', '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(`weir: ${message}`) })
    .addHelpText('after', EXAMPLES);
  registerRun(program);
  registerExplain(program);
  registerCompile(program);
  registerDebug(program);
  registerBench(program);
  for (const command of program.commands) command.exitOverride().configureOutput({ outputError: (message, write) => write(`weir: ${message}`) });
  return program;
}

async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; anything else Commander rejects is bad usage, and
      // Commander already printed it in one line.
      if (e.exitCode === 0) return EXIT_OK;
      process.stderr.write(`  run 'weir ${commandOf(argv)}--help' for usage\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(formatError(e) + '\n');
    return exitCodeOf(e);
  }
}

function commandOf(argv: readonly string[]): string {
  const name = argv.slice(2).find((a) => !a.startsWith('-'));
  return name && ['run', 'explain', 'compile', 'debug', 'bench'].includes(name) ? `${name} ` : '';
}

if (require.main === module) {
  // `weir run ... --output - | head`: the reader leaving early is a normal end, as for any Unix filter.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT_OK);
  });
  // Weir's own warnings (late records, skipped records) read as the CLI's other messages do.
  process.removeAllListeners('warning');
  process.on('warning', (w) => process.stderr.write(`weir: warning: ${w.message}\n`));
  void main(process.argv).then((code) => {
    process.exitCode = code;
    // Something a pipeline started (a worker pool, a device) must not keep a finished command alive; the
    // timer is unref'd, so it fires only if something else still holds the process open.
    setTimeout(() => process.exit(code), 1000).unref();
  });
}
