import { InvalidArgumentError } from 'commander';
import { loadSchemaFile, type RecordSchema, type RowErrorMode } from './runtime';

/** Commander argument parsers for the flags several commands share; a bad value is bad usage (exit 2). */

export function positiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer; got '${value}'`);
    return n;
  };
}

export function workers(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`--workers must be a non-negative integer or 'auto'; got '${value}'`);
  return n;
}

export function oneOf<T extends string>(name: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`${name} must be one of ${choices.join(', ')}; got '${value}'`);
    return value as T;
  };
}

/** `--errors fail|skip|<dead-letter file>`. */
export function errorMode(value: string): RowErrorMode {
  if (value === 'fail' || value === 'skip') return value;
  if (value.trim() === '') throw new InvalidArgumentError(`--errors must be fail, skip or a dead-letter file path`);
  return { deadLetter: value };
}

/**
 * The input schema: the pipeline's `inputSchema` export, with a --schema file's fields taking precedence
 * field by field (the file is what the user said for this run).
 */
export async function mergedSchema(fromPipeline: RecordSchema | undefined, schemaFile: string | undefined): Promise<RecordSchema | undefined> {
  const fromFile = schemaFile === undefined ? undefined : await loadSchemaFile(schemaFile);
  if (fromFile === undefined) return fromPipeline;
  if (fromPipeline === undefined) return fromFile;
  const names = new Set(fromFile.map((f) => f.name));
  return [...fromFile, ...fromPipeline.filter((f) => !names.has(f.name))];
}
