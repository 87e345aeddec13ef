import { ConstantPool } from './plan-constants';
import { readExpr } from './plan-expr';
import { array, clip, errorText, fail, fields, get, integer, JsonObject, kindOf, MAX_DEPTH, object, optionalBoolean, readDType, readPairs, readScalar, readShape, show } from './plan-json';
import type { FieldType, StageIR, StreamGraph, TracedStage } from './stream';

// What a caller of deserializePlan catches.
export { PlanFormatError } from './plan-json';

/**
 * Reading a saved plan (the format serialize.ts writes; its description is there). Everything in the file is
 * data from an untrusted source, so this module:
 * - never evaluates anything from it: no eval, no Function, no dynamic import; op names are looked up in the
 *   contract registry (a Map), never as properties;
 * - reads objects from the file only through their own keys (Object.hasOwn / Object.keys), and rejects keys
 *   that name built-in object properties (`__proto__`, `constructor`, ...) wherever a key from the file
 *   becomes a key of an object Weir builds;
 * - re-derives what it can instead of trusting it: every op node's dtype and shape are inferred again by the
 *   op's contract from its inputs and attrs, and must match what the file says;
 * - builds fresh objects from checked values only, so nothing unchecked from the file reaches the executor.
 * Every problem is a PlanFormatError saying what is wrong and where.
 */

export const PLAN_FORMAT = 'weir-plan';
export const PLAN_FORMAT_VERSION = 1;

/**
 * Parses and validates a plan's JSON text and returns the stream graph it holds. Nothing from the text is
 * evaluated; anything malformed, inconsistent or unknown is a PlanFormatError.
 *
 * ```ts
 * const graph = deserializePlan(serializePlan(compiled));
 * deserializePlan('{"format":"weir-plan","version":2}');
 * // PlanFormatError: ... was written by a newer Weir (format version 2; this Weir reads 1)
 * ```
 */
export function deserializePlan(text: string): StreamGraph {
  if (typeof text !== 'string') fail('the plan', `is ${kindOf(text)}; expected the plan's JSON text`);
  let doc: unknown;
  try {
    // Editors on some systems prepend a byte-order mark, which JSON.parse refuses.
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    fail('the file', `is not valid JSON (${clip(errorText(e), 120)}); it may be truncated or corrupt`);
  }
  return validatePlan(doc);
}

/**
 * Validates an already-parsed plan document (see deserializePlan), for callers that hold the JSON value.
 *
 * ```ts
 * const graph = validatePlan(JSON.parse(await readFile('plan.weir', 'utf8')));
 * ```
 */
export function validatePlan(doc: unknown): StreamGraph {
  const top = object(doc, 'the file', 'a JSON object (a Weir plan)');
  checkFormat(top);
  fields(top, 'the file', ['format', 'version', 'createdBy', 'input', 'bare', 'stages', 'constants'], ['input', 'bare', 'stages', 'constants']);
  const createdBy = get(top, 'createdBy');
  if (createdBy !== undefined && (typeof createdBy !== 'string' || createdBy.length > 200)) {
    fail('the file', `has createdBy ${show(createdBy)}; expected a string of at most 200 characters`);
  }
  const pool = new ConstantPool(get(top, 'constants'));
  const input = array(get(top, 'input'), 'the file', 'input', 100_000).map((f, i) => readFieldType(f, `input[${i}]`));
  const bare = get(top, 'bare');
  if (typeof bare !== 'boolean') fail('the file', `has bare ${show(bare)}; expected true or false`);
  const stages = array(get(top, 'stages'), 'the file', 'stages', 100_000).map((s, i) => readStage(s, i, pool));
  pool.checkAllUsed();
  return { input, bare, stages };
}

// ---------------------------------------------------------------------------------------------------------
// The file's header and the stream graph

function checkFormat(top: JsonObject): void {
  const format = get(top, 'format');
  if (format !== PLAN_FORMAT) fail('the file', `is not a Weir plan (its "format" is ${show(format)}; expected "${PLAN_FORMAT}")`);
  const version = get(top, 'version');
  if (typeof version === 'number' && Number.isInteger(version) && version > PLAN_FORMAT_VERSION) {
    fail('the file', `was written by a newer Weir (format version ${version}; this Weir reads ${PLAN_FORMAT_VERSION}); load it with that Weir or recompile the pipeline`);
  }
  if (version !== PLAN_FORMAT_VERSION) fail('the file', `has format version ${show(version)}; this Weir reads version ${PLAN_FORMAT_VERSION}`);
}

const FIELD_KINDS: readonly FieldType['kind'][] = ['tensor', 'number', 'boolean', 'string', 'other'];

function readFieldType(v: unknown, where: string): FieldType {
  const o = object(v, where, 'a field description');
  fields(o, where, ['name', 'kind', 'dtype', 'shape'], ['name', 'kind']);
  const name = get(o, 'name');
  if (typeof name !== 'string' || name.length > 256) fail(where, `has name ${show(name)}; expected a string of at most 256 characters`);
  const kind = get(o, 'kind');
  if (!FIELD_KINDS.includes(kind as FieldType['kind'])) fail(where, `has kind ${show(kind)}; expected one of ${FIELD_KINDS.join(', ')}`);
  const out: { name: string; kind: FieldType['kind']; dtype?: string; shape?: readonly number[] } = { name, kind: kind as FieldType['kind'] };
  if (Object.hasOwn(o, 'dtype')) out.dtype = readDType(get(o, 'dtype'), where);
  if (Object.hasOwn(o, 'shape')) out.shape = readShape(get(o, 'shape'), where, false) as number[];
  return out;
}

type StageReader = (o: JsonObject, where: string, position: number, pool: ConstantPool) => StageIR;

const TRACED_KINDS: readonly TracedStage['kind'][] = ['map', 'filter', 'flatMap', 'keyBy', 'tap', 'scan', 'reduce'];

function readTraced(o: JsonObject, where: string, position: number, pool: ConstantPool): TracedStage {
  const kind = get(o, 'kind') as TracedStage['kind'];
  const hasSeed = kind === 'scan' || kind === 'reduce';
  fields(o, where, ['kind', 'position', 'expr', 'keyed', ...(hasSeed ? ['seed'] : [])], ['kind', 'position', 'expr']);
  const keyed = optionalBoolean(o, 'keyed', where);
  const stage: { -readonly [K in keyof TracedStage]: TracedStage[K] } = { kind, position, expr: readExpr(get(o, 'expr'), where, pool) };
  if (keyed !== undefined) stage.keyed = keyed;
  if (Object.hasOwn(o, 'seed')) stage.seed = readSeed(get(o, 'seed'), `${where}, seed`, pool, 0);
  return stage;
}

/** Stage kinds a plan may hold, each with the reader that checks its fields (zip and merge cannot be saved). */
const STAGE_READERS: ReadonlyMap<string, StageReader> = new Map<string, StageReader>([
  ...TRACED_KINDS.map((k): [string, StageReader] => [k, readTraced]),
  ['batch', (o, where, position) => {
    fields(o, where, ['kind', 'position', 'size'], ['kind', 'position', 'size']);
    return { kind: 'batch', position, size: integer(get(o, 'size'), where, 'size', 1) };
  }],
  ...(['take', 'skip'] as const).map((kind): [string, StageReader] => [kind, (o, where, position) => {
    fields(o, where, ['kind', 'position', 'count'], ['kind', 'position', 'count']);
    return { kind, position, count: integer(get(o, 'count'), where, 'count', 0) };
  }]),
  ['countWindow', (o, where, position) => {
    fields(o, where, ['kind', 'position', 'size', 'slide'], ['kind', 'position', 'size', 'slide']);
    return { kind: 'countWindow', position, size: integer(get(o, 'size'), where, 'size', 1), slide: integer(get(o, 'slide'), where, 'slide', 1) };
  }],
  ['timeWindow', (o, where, position) => {
    const names = ['kind', 'position', 'time', 'size', 'slide', 'allowedLateness'];
    fields(o, where, names, names);
    const time = get(o, 'time');
    if (typeof time !== 'string' || time.length === 0 || time.length > 256) fail(where, `has time ${show(time)}; expected a field name`);
    return {
      kind: 'timeWindow', position, time,
      size: integer(get(o, 'size'), where, 'size', 1),
      slide: integer(get(o, 'slide'), where, 'slide', 1),
      allowedLateness: integer(get(o, 'allowedLateness'), where, 'allowedLateness', 0),
    };
  }],
]);

function readStage(v: unknown, index: number, pool: ConstantPool): StageIR {
  const at = `stages[${index}]`;
  const o = object(v, at, 'a stage object');
  const kind = get(o, 'kind');
  if (kind === 'zip' || kind === 'merge') {
    fail(at, `is a ${kind} stage; ${kind} reads a second flow, which a saved plan cannot hold`);
  }
  const reader = typeof kind === 'string' ? STAGE_READERS.get(kind) : undefined;
  if (reader === undefined) fail(at, `has kind ${show(kind)}; expected one of ${[...STAGE_READERS.keys()].join(', ')}`);
  const position = integer(get(o, 'position'), at, 'position', 0);
  return reader(o, `stage ${kind as string}#${position}`, position, pool);
}

/** Seeds of scan/reduce: `{kind: 'value' | 'undefined' | 'tensor' | 'array' | 'record'}` trees. */
function readSeed(v: unknown, where: string, pool: ConstantPool, depth: number): unknown {
  if (depth > MAX_DEPTH) fail(where, `is nested more than ${MAX_DEPTH} levels deep`);
  const o = object(v, where, 'a seed object ({"kind": ...})');
  const kind = get(o, 'kind');
  switch (kind) {
    case 'undefined':
      fields(o, where, ['kind'], []);
      return undefined;
    case 'value':
      fields(o, where, ['kind', 'value'], ['value']);
      return readScalar(get(o, 'value'), `${where}.value`);
    case 'tensor':
      fields(o, where, ['kind', 'const'], ['const']);
      return pool.take(get(o, 'const'), where);
    case 'array':
      fields(o, where, ['kind', 'items'], ['items']);
      return array(get(o, 'items'), where, 'items', 1_000_000).map((x, i) => readSeed(x, `${where}[${i}]`, pool, depth + 1));
    case 'record': {
      fields(o, where, ['kind', 'fields'], ['fields']);
      const out: Record<string, unknown> = {};
      for (const [k, x] of readPairs(get(o, 'fields'), where)) out[k] = readSeed(x, `${where}.${k}`, pool, depth + 1);
      return out;
    }
    default:
      fail(where, `has kind ${show(kind)}; expected value, undefined, tensor, array or record`);
  }
}
