import { readFile } from 'node:fs/promises';
import { isDType, type DType } from '@weir/dataflow';

/**
 * What a text file's fields hold, and how to read them. The `--schema` file is JSON, one entry per field,
 * in column order:
 *
 * ```json
 * {
 *   "sensor":   { "type": "string" },
 *   "time":     { "type": "number", "dtype": "int32" },
 *   "ok":       { "type": "boolean" },
 *   "features": { "type": "tensor", "dtype": "float32", "shape": [8] }
 * }
 * ```
 *
 * - `number`: a JS number in records; `dtype` (float64 by default, or float32 / int32) is the Arrow column
 *   type it is written as, and int32 also rejects text that is not an integer in range.
 * - `boolean`: `true` / `false` (CSV also takes `1` / `0`).
 * - `string`: the text as it is.
 * - `tensor`: a JSON array in the field (CSV: quoted, `"[1,2,3]"`), read into a Tensor of `dtype` (float32 by
 *   default) and `shape`; a value of another shape, or a ragged one, is a bad row. Without `shape`, the shape
 *   of the first value read fixes it for the rest of the file.
 *
 * A schema may name only some fields; the others are inferred from the first rows. A pipeline module may
 * give the same object as its named export `inputSchema` (its input signature).
 */
export type FieldType = 'number' | 'boolean' | 'string' | 'tensor';

export interface FieldSpec {
  readonly type: FieldType;
  readonly dtype?: DType;
  readonly shape?: readonly number[];
}

export interface SchemaField extends FieldSpec {
  readonly name: string;
}

/** Fields in column order. */
export type RecordSchema = readonly SchemaField[];

const NUMBER_DTYPES: readonly DType[] = ['float64', 'float32', 'int32'];
const TYPES: readonly FieldType[] = ['number', 'boolean', 'string', 'tensor'];

/**
 * Validates a parsed schema object (a `--schema` file's JSON or a pipeline's `inputSchema`). `where` names it
 * in error messages.
 *
 * ```ts
 * parseSchema({ v: { type: 'tensor', shape: [3] } }, 'schema.json'); // [{ name: 'v', type: 'tensor', shape: [3] }]
 * ```
 */
export function parseSchema(json: unknown, where: string): RecordSchema {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SchemaError(`${where}: a schema must be a JSON object mapping field names to {"type": ...}`);
  }
  return Object.entries(json as Record<string, unknown>).map(([name, raw]) => parseField(name, raw, where));
}

function parseField(name: string, raw: unknown, where: string): SchemaField {
  const at = `${where}: field '${name}'`;
  if (typeof raw !== 'object' || raw === null) throw new SchemaError(`${at} must be an object like {"type": "number"}`);
  const { type, dtype, shape, ...rest } = raw as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new SchemaError(`${at} has unknown key '${extra[0]}'; expected type, dtype, shape`);
  if (!TYPES.includes(type as FieldType)) {
    throw new SchemaError(`${at} has type ${JSON.stringify(type)}; expected one of ${TYPES.join(', ')}`);
  }
  const field: { name: string; type: FieldType; dtype?: DType; shape?: number[] } = { name, type: type as FieldType };
  if (dtype !== undefined) {
    const allowed = type === 'number' ? NUMBER_DTYPES : type === 'tensor' ? null : [];
    if (!isDType(dtype) || (allowed !== null && !allowed.includes(dtype))) {
      const expect = allowed === null ? 'a dtype (float32, float64, int32, uint8, bool)' : allowed.length ? allowed.join(', ') : 'no dtype';
      throw new SchemaError(`${at} has dtype ${JSON.stringify(dtype)}; expected ${expect}`);
    }
    field.dtype = dtype;
  }
  if (shape !== undefined) {
    if (type !== 'tensor') throw new SchemaError(`${at} has a shape but type '${String(type)}'; only tensors have shapes`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new SchemaError(`${at} has shape ${JSON.stringify(shape)}; expected an array of non-negative integers`);
    }
    field.shape = shape as number[];
  }
  return Object.freeze(field);
}

/** Reads and validates a `--schema` file. */
export async function loadSchemaFile(path: string): Promise<RecordSchema> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new SchemaError(`cannot read schema file ${path}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SchemaError(`schema file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  return parseSchema(json, path);
}

/** Looks a field up by name. */
export function fieldOf(schema: RecordSchema | undefined, name: string): SchemaField | undefined {
  return schema?.find((f) => f.name === name);
}

/** The schema as the JSON object a `--schema` file holds (what `weir` prints when it inferred one). */
export function schemaToJson(schema: RecordSchema): Record<string, FieldSpec> {
  const out: Record<string, FieldSpec> = {};
  for (const { name, ...spec } of schema) out[name] = spec;
  return out;
}

/** A schema that cannot be used: always bad usage (exit 2 in the CLI). */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
}
