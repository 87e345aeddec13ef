import { CellError, describeJson, parseNumber, shapeOfNested } from './cell';
import { fieldOf, SchemaError, type RecordSchema, type SchemaField } from './record-schema';

/** How many rows a reader looks at before it decides a column's type. */
export const INFER_ROWS = 100;

/**
 * Infers the type of one CSV column from sampled cells; a field given in `given` (a --schema file or the
 * pipeline's input signature) wins.
 *
 * A type is chosen when most (more than half) of the non-empty samples fit it, not all: a few bad cells
 * among the first rows should become bad rows that are reported, not silently turn a number column into
 * strings. A column that no type fits for most samples is a string column.
 *
 * ```ts
 * inferTextField('v', ['1', '2.5', 'x'], undefined); // { name: 'v', type: 'number' } ('x' becomes a bad row)
 * ```
 */
export function inferTextField(name: string, samples: readonly string[], given: RecordSchema | undefined): SchemaField {
  const declared = fieldOf(given, name);
  const nonEmpty = samples.filter((s) => s.trim() !== '');
  const shape = declared?.type === 'tensor' && declared.shape === undefined ? majorityTensorShape(nonEmpty) : undefined;
  if (declared !== undefined) return shape !== undefined ? { ...declared, shape } : declared;
  if (nonEmpty.length === 0) return { name, type: 'string' };
  const most = (fits: (s: string) => boolean) => nonEmpty.filter(fits).length * 2 > nonEmpty.length;
  if (most((s) => succeeds(() => parseNumber(s, undefined)))) return { name, type: 'number' };
  if (most((s) => /^(true|false)$/i.test(s.trim()))) return { name, type: 'boolean' };
  const tensorShape = majorityTensorShape(nonEmpty);
  if (tensorShape !== undefined) return { name, type: 'tensor', shape: tensorShape, dtype: tensorDType(nonEmpty) };
  return { name, type: 'string' };
}

/** The shape most samples (as JSON arrays) have, if most samples are well-formed tensors. */
function majorityTensorShape(samples: readonly string[]): number[] | undefined {
  const counts = new Map<string, number>();
  for (const s of samples) {
    if (!s.trimStart().startsWith('[')) continue;
    try {
      const key = JSON.stringify(shapeOfNested(JSON.parse(s)));
      counts.set(key, (counts.get(key) ?? 0) + 1);
    } catch {
      // not a tensor; counted against the majority below
    }
  }
  let best: [string, number] | undefined;
  for (const entry of counts) if (best === undefined || entry[1] > best[1]) best = entry;
  return best !== undefined && best[1] * 2 > samples.length ? JSON.parse(best[0]) : undefined;
}

function tensorDType(samples: readonly string[]): 'bool' | undefined {
  return samples.length > 0 && /^[[\s]*(true|false)/.test(samples[0]) ? 'bool' : undefined;
}

function succeeds(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch (e) {
    if (e instanceof CellError) return false;
    throw e;
  }
}

/**
 * Infers an NDJSON field from sampled JSON values: JSON is typed, so the first non-null value's type is
 * the field's type, and values of another type later are bad rows. Arrays are tensors, shaped like the
 * first one.
 */
export function inferJsonField(name: string, samples: readonly unknown[], given: RecordSchema | undefined, where: string): SchemaField {
  const declared = fieldOf(given, name);
  const first = samples.find((v) => v !== null && v !== undefined);
  if (declared !== undefined) {
    if (declared.type !== 'tensor' || declared.shape !== undefined || !Array.isArray(first)) return declared;
    return { ...declared, shape: safeShape(first) ?? [] };
  }
  if (first === undefined || typeof first === 'string') return { name, type: 'string' };
  if (typeof first === 'number') return { name, type: 'number' };
  if (typeof first === 'boolean') return { name, type: 'boolean' };
  if (Array.isArray(first)) {
    const shape = safeShape(first);
    if (shape !== undefined) return { name, type: 'tensor', shape, dtype: isBoolArray(first) ? 'bool' : undefined };
  }
  throw new SchemaError(
    `${where}: field '${name}' holds ${describeJson(first)}; fields must be numbers, booleans, strings or arrays of numbers (tensors). Give a --schema or flatten the field.`,
  );
}

function safeShape(v: unknown[]): number[] | undefined {
  try {
    return shapeOfNested(v);
  } catch {
    return undefined;
  }
}

function isBoolArray(v: unknown): boolean {
  while (Array.isArray(v)) v = v[0];
  return typeof v === 'boolean';
}

