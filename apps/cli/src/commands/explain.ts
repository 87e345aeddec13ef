import type { Command } from 'commander';
import { loadPipeline } from '../lib/load-pipeline';
import { mergedSchema, oneOf, positiveInt } from '../lib/options';
import { planWithSample, sampleRecords } from '../lib/sample';

interface ExplainFlags {
  format: 'text' | 'dot' | 'json';
  input?: string;
  inputFormat?: string;
  schema?: string;
  batchSize?: number;
}

const EXAMPLES = `
Examples:
  $ weir explain examples/dense.ts                          # traced from the pipeline's inputSchema export
  $ weir explain examples/sensors.ts --input examples/data/sensors.csv
  $ weir explain examples/dense.ts --format dot | dot -Tsvg > dense.svg
  $ weir explain dense.weir --format json

Graph mode traces each stage's callbacks against the input's field types and shapes; they come from the
first rows of --input, else from the pipeline's 'inputSchema' export or --schema. A stage that cannot be
traced is shown as a graph break with its reason.`;

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('show the optimized graph of a pipeline, stage by stage, with graph breaks and their reasons')
    .argument('<pipeline>', 'pipeline module or saved .weir graph')
    .option('-f, --format <format>', 'text, dot or json', oneOf('--format', ['text', 'dot', 'json'] as const), 'text')
    .option('-i, --input <file>', 'trace against the first rows of this file')
    .option('--input-format <format>', 'input format, when the extension does not say')
    .option('-s, --schema <file>', 'JSON schema file for the input fields')
    .option('-b, --batch-size <n>', 'rows per batch', positiveInt('--batch-size'))
    .addHelpText('after', EXAMPLES)
    .action(async (pipelinePath: string, flags: ExplainFlags) => {
      const loaded = await loadPipeline(pipelinePath);
      if (loaded.kind === 'plan') {
        process.stdout.write(loaded.plan.explain(flags.format) + '\n');
        return;
      }
      const schema = await mergedSchema(loaded.inputSchema, flags.schema);
      const sample = await sampleRecords(flags.input, schema, flags.inputFormat);
      const plan = planWithSample(loaded.transform, sample, { batchSize: flags.batchSize });
      process.stdout.write(plan.explain(flags.format) + '\n');
    });
}
