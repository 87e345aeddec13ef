import { DataType, Precision, tableFromIPC, type Table } from 'apache-arrow';
import { allocate, DType, DTYPES, isDType, TypedArray } from '../core/dtype';
import { Dim, formatShape, shapesEqual, SymShape } from '../core/shape';
import { Tensor } from '../core/tensor';
import { AttrValue, Attrs, getContract, hasContract, OpContract } from '../ops/contract';
// The validator must know every op a plan may name, even when nothing else has loaded the op library yet.
import '../ops/contracts';
import type { ExprGraph, ExprNode, InputSpec, OutSpec } from './expr';
import type { FieldType, StageIR, StreamGraph, TracedStage } from './stream';

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

/** JSON has no NaN, infinities or -0; where a JSON value stands for a number they are written by name. */
export const SPECIAL_NUMBERS: ReadonlyMap<string, number> = new Map([
  ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['-0', -0],
]);

/** The name a number is written under in a plan, or null when it is an ordinary JSON number. */
export function specialNumberName(v: number): string | null {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return null;
}

/**
 * A key that becomes a property of an object Weir builds (a record field, an attr name) must not name a
 * property every object already has: `__proto__` would replace the prototype, and `constructor` or
 * `toString` would shadow methods that other code calls.
 */
export function isSafeKey(k: string): boolean {
  return !(k in Object.prototype) && k !== 'prototype';
}

/** A saved plan that cannot be loaded: the message says what is wrong and where (`where` + `problem`). */
export class PlanFormatError extends Error {
  constructor(
    readonly where: string,
    readonly problem: string,
    readonly file?: string,
  ) {
    super(`Cannot load Weir plan${file === undefined ? '' : ` '${file}'`}: ${where} ${problem}`);
    this.name = 'PlanFormatError';
  }
}

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
// Reading JSON values defensively

type JsonObject = { readonly [k: string]: unknown };

const MAX_DIM = 2 ** 31 - 1;
const MAX_RANK = 64;
const MAX_DEPTH = 64;

function fail(where: string, problem: string): never {
  throw new PlanFormatError(where, problem);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

/** A value from the file, shown in a message: JSON, clipped, so a planted payload cannot flood the message. */
function show(v: unknown): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {
    s = undefined;
  }
  return clip(s ?? kindOf(v), 60);
}

/** A name from the file (an op, a key) inside quotes: escaped and clipped. */
function quoted(name: string): string {
  return `'${JSON.stringify(clip(name, 40)).slice(1, -1)}'`;
}

function kindOf(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

function object(v: unknown, where: string, what: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, `is ${kindOf(v)}; expected ${what}`);
  return v as JsonObject;
}

/** Rejects fields the format does not have (a typo or a tampered file) and requires the ones it needs. */
function fields(o: JsonObject, where: string, allowed: readonly string[], required: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(where, `has an unknown field ${quoted(k)}`);
  for (const k of required) if (!Object.hasOwn(o, k)) fail(where, `has no '${k}' field`);
}

function get(o: JsonObject, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

function array(v: unknown, where: string, name: string, max: number): readonly unknown[] {
  if (!Array.isArray(v)) fail(where, `has ${name} ${show(v)}; expected an array`);
  if (v.length > max) fail(where, `has ${v.length} ${name}; at most ${max} are allowed`);
  return v;
}

function integer(v: unknown, where: string, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(where, `has ${name} ${show(v)}; expected an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`}`);
  }
  return v;
}

function optionalBoolean(o: JsonObject, key: string, where: string): boolean | undefined {
  const v = get(o, key);
  if (v !== undefined && typeof v !== 'boolean') fail(where, `has ${key} ${show(v)}; expected true or false`);
  return v;
}

function readDType(v: unknown, where: string): DType {
  if (!isDType(v)) fail(where, `has dtype ${show(v)}; expected one of ${DTYPES.join(', ')}`);
  return v;
}

/** A shape: non-negative integers, and null (unknown) where `symbolic` allows it. */
function readShape(v: unknown, where: string, symbolic: boolean): Dim[] {
  const ok = Array.isArray(v) && v.length <= MAX_RANK &&
    v.every((d) => (symbolic && d === null) || (typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= MAX_DIM));
  if (!ok) {
    fail(where, `has shape ${show(v)}; expected an array of at most ${MAX_RANK} non-negative integers${symbolic ? ' or null' : ''}`);
  }
  return [...(v as Dim[])];
}

function readKey(v: unknown, where: string, what: string): string {
  if (typeof v !== 'string' || v.length > 256) fail(where, `has ${what} ${show(v)}; expected a string of at most 256 characters`);
  if (!isSafeKey(v)) fail(where, `has ${what} ${quoted(v)}, which names a built-in property of JS objects; it cannot be used as a key`);
  return v;
}

/** A JSON scalar slot (an output literal, a seed value): special numbers come as `{"number": "NaN"}`. */
function readScalar(v: unknown, where: string): string | number | boolean | null {
  if (v === null || typeof v === 'boolean' || typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v.length > 100_000) fail(where, `is a string of ${v.length} characters; at most 100000 are allowed`);
    return v;
  }
  if (typeof v === 'object' && !Array.isArray(v)) {
    const o = v as JsonObject;
    const name = get(o, 'number');
    if (Object.keys(o).length === 1 && typeof name === 'string' && SPECIAL_NUMBERS.has(name)) return SPECIAL_NUMBERS.get(name) as number;
  }
  fail(where, `is ${show(v)}; expected a number, a string, a boolean, null or {"number": "NaN" | "Infinity" | "-Infinity" | "-0"}`);
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

/** `[[key, value], ...]` with safe, distinct keys (records are written as pairs to keep their field order). */
function readPairs(v: unknown, where: string): [string, unknown][] {
  const seen = new Set<string>();
  return array(v, where, 'fields', 100_000).map((p, i) => {
    if (!Array.isArray(p) || p.length !== 2) fail(`${where}, fields[${i}]`, `is ${show(p)}; expected a [name, value] pair`);
    const k = readKey(p[0], `${where}, fields[${i}]`, 'name');
    if (seen.has(k)) fail(`${where}, fields[${i}]`, `repeats the field name ${quoted(k)}`);
    seen.add(k);
    return [k, p[1]];
  });
}

// ---------------------------------------------------------------------------------------------------------
// Expression graphs

/** What the reader knows of each node once it has been checked, for the nodes after it. */
interface NodeFacts {
  readonly node: ExprNode;
  readonly effect: boolean;
  readonly opaque: boolean;
}

/** Checks that only a particular op needs, beyond its contract (the contract does not look at them). */
const EXTRA_ATTR_CHECKS: ReadonlyMap<string, (attrs: Attrs) => string | null> = new Map([
  ['print', (a: Attrs) => (typeof a.label === 'string' ? null : `has label ${show(a.label)}; expected a string`)],
]);

/**
 * Checks of a node's inputs that only a particular op needs in a saved (per-element) graph, beyond its
 * contract, which must also accept the op's batched calls. (A fused or fusedReduce program needs nothing
 * here: the contract validates it with checkFusedProgram, and nothing from it is evaluated while loading.)
 */
const EXTRA_INPUT_CHECKS: ReadonlyMap<string, (inputs: readonly ExprNode[]) => string | null> = new Map([
  // Vectorization puts the batch dimension in front of the first input and shifts the reduced axes by one:
  // right only when the first input has the broadcast's rank (the optimizer writes it so). Any other order
  // would not fail loudly, it would reduce the wrong axes.
  ['fusedReduce', (ins: readonly ExprNode[]) => {
    const rank = Math.max(0, ...ins.map((x) => x.shape.length));
    return ins.length === 0 || ins[0].shape.length === rank ? null : `has a first input of rank ${ins[0].shape.length}; it must have the highest rank of the inputs (${rank})`;
  }],
  // The same for the product, which is the program's first input: its rank is the operands' matmul rank.
  ['matmulReduce', (ins: readonly ExprNode[]) => {
    if (ins.length < 2) return null; // the contract says what is missing
    const [a, b] = ins;
    const product = Math.max(a.shape.length, b.shape.length, 2) - (a.shape.length === 1 ? 1 : 0) - (b.shape.length === 1 ? 1 : 0);
    const rank = Math.max(product, ...ins.slice(2).map((x) => x.shape.length));
    return product === rank ? null : `has a product of rank ${product}; it must have the highest rank of the reduced inputs (${rank})`;
  }],
]);

function readExpr(v: unknown, stage: string, pool: ConstantPool): ExprGraph {
  const o = object(v, `${stage}, expr`, 'an expression graph object');
  fields(o, `${stage}, expr`, ['inputs', 'nodes', 'output', 'effects'], ['inputs', 'nodes', 'output', 'effects']);
  const inputs = array(get(o, 'inputs'), stage, 'inputs', 100_000).map((x, i) => readInputSpec(x, `${stage}, inputs[${i}]`));
  const facts: NodeFacts[] = [];
  const consts = new Map<number, Tensor>();
  const boundInputs = new Set<number>();
  array(get(o, 'nodes'), stage, 'nodes', 1_000_000).forEach((raw, i) => {
    facts.push(readNode(raw, i, { stage, inputs, facts, consts, boundInputs, pool }));
  });
  const nodes = facts.map((f) => f.node);
  const effects = array(get(o, 'effects'), stage, 'effects', 1_000_000).map((id, i) => {
    const n = integer(id, stage, `effects[${i}]`, 0, nodes.length - 1);
    if (!facts[n].effect) fail(stage, `lists %${n} ('${nodes[n].op}') in effects, but it is not an effect (print) node`);
    return n;
  });
  const expected = facts.filter((f) => f.effect).map((f) => f.node.id);
  if (effects.length !== expected.length || effects.some((id, i) => id !== expected[i])) {
    fail(stage, `has effects ${show(effects)}; expected every effect node in program order: ${show(expected)}`);
  }
  const output = readOut(get(o, 'output'), `${stage}, output`, facts, inputs.length, 0);
  return { inputs, nodes, consts, output, effects };
}

function readInputSpec(v: unknown, where: string): InputSpec {
  const o = object(v, where, 'an input description');
  fields(o, where, ['name', 'dtype', 'shape', 'weak', 'opaque'], ['name', 'dtype', 'shape']);
  const name = get(o, 'name');
  if (typeof name !== 'string' || name.length > 256) fail(where, `has name ${show(name)}; expected a string of at most 256 characters`);
  const spec: { -readonly [K in keyof InputSpec]: InputSpec[K] } = {
    name, dtype: readDType(get(o, 'dtype'), where), shape: readShape(get(o, 'shape'), where, true),
  };
  const weak = optionalBoolean(o, 'weak', where);
  const opaque = optionalBoolean(o, 'opaque', where);
  if (weak !== undefined) spec.weak = weak;
  if (opaque !== undefined) spec.opaque = opaque;
  return spec;
}

interface ExprContext {
  readonly stage: string;
  readonly inputs: readonly InputSpec[];
  readonly facts: readonly NodeFacts[];
  readonly consts: Map<number, Tensor>;
  readonly boundInputs: Set<number>;
  readonly pool: ConstantPool;
}

const typeOf = (x: { dtype: DType; shape: SymShape }): string => `${x.dtype}${formatShape(x.shape)}`;

function readNode(v: unknown, i: number, cx: ExprContext): NodeFacts {
  const at = `${cx.stage}, nodes[${i}]`;
  const o = object(v, at, 'a node object');
  fields(o, at, ['id', 'op', 'inputs', 'attrs', 'dtype', 'shape', 'weak', 'const'], ['id', 'op', 'inputs', 'attrs', 'dtype', 'shape']);
  const id = get(o, 'id');
  if (id !== i) fail(at, `has id ${show(id)}; a node's id must equal its index (${i})`);
  const op = get(o, 'op');
  if (typeof op !== 'string') fail(at, `has op ${show(op)}; expected an op name`);
  // The registry is a Map, so names like 'constructor' or '__proto__' are simply unknown.
  if (op !== 'input' && op !== 'const' && !hasContract(op)) {
    fail(`${cx.stage}, node %${i}`, `uses an unknown op ${quoted(op)}; a plan may only use Weir's registered ops`);
  }
  const where = `${cx.stage}, node %${i} ('${op}')`;
  const dtype = readDType(get(o, 'dtype'), where);
  const shape = readShape(get(o, 'shape'), where, true);
  const inputs = array(get(o, 'inputs'), where, 'inputs', 100_000).map((x) => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) fail(where, `has an input ${show(x)}; expected a node id`);
    if (x >= i) fail(where, `uses %${x}, which does not come before it; a node may only use earlier nodes (so the graph has no cycles)`);
    return x;
  });
  const attrs = readAttrs(get(o, 'attrs'), where);
  const weak = optionalBoolean(o, 'weak', where);
  if (weak !== undefined && op !== 'input') fail(where, 'has a weak flag; only input nodes have one');
  if (op !== 'const' && Object.hasOwn(o, 'const')) fail(where, "has a 'const' field; only const nodes have one");
  const node: { -readonly [K in keyof ExprNode]: ExprNode[K] } = { id: i, op, inputs, attrs, dtype, shape };
  if (weak !== undefined) node.weak = weak;
  if (op === 'input') return checkInputNode(node, where, cx);
  if (op === 'const') {
    if (inputs.length > 0) fail(where, 'has inputs; a const node takes none');
    const t = cx.pool.take(get(o, 'const'), where);
    if (t.dtype !== dtype || !shapesEqual(t.shape, shape)) fail(where, `says ${typeOf(node)} but its constant is ${typeOf(t)}`);
    cx.consts.set(i, t);
    return { node, effect: false, opaque: false };
  }
  return checkOpNode(node, getContract(op), where, cx);
}

function checkInputNode(node: ExprNode, where: string, cx: ExprContext): NodeFacts {
  if (node.inputs.length > 0) fail(where, 'has inputs; an input node takes none');
  for (const k of Object.keys(node.attrs)) if (k !== 'index' && k !== 'name') fail(where, `has an attr ${quoted(k)}; input nodes have only index and name`);
  const index = integer(node.attrs.index, where, 'attr index', 0, cx.inputs.length - 1);
  if (cx.boundInputs.has(index)) fail(where, `reads inputs[${index}], which an earlier input node already reads`);
  cx.boundInputs.add(index);
  const spec = cx.inputs[index];
  if (node.attrs.name !== undefined && node.attrs.name !== spec.name) {
    fail(where, `has name ${show(node.attrs.name)} but inputs[${index}] is named ${show(spec.name)}`);
  }
  if (node.dtype !== spec.dtype || !shapesEqual(node.shape, spec.shape)) {
    fail(where, `says ${typeOf(node)} but inputs[${index}] (${quoted(spec.name)}) is ${typeOf(spec)}`);
  }
  if ((node.weak === true) !== (spec.weak === true)) fail(where, `has weak ${node.weak === true} but inputs[${index}] has weak ${spec.weak === true}`);
  return { node, effect: false, opaque: spec.opaque === true };
}

function checkOpNode(node: ExprNode, contract: OpContract, where: string, cx: ExprContext): NodeFacts {
  if (!contract.variadic && node.inputs.length !== contract.inputs.length) {
    fail(where, `has ${node.inputs.length} inputs; '${contract.name}' takes ${contract.inputs.length} (${contract.inputs.join(', ')})`);
  }
  for (const x of node.inputs) {
    const f = cx.facts[x];
    if (f.effect) fail(where, `uses %${x} ('${f.node.op}'), an effect, which has no value`);
    if (f.opaque) fail(where, `uses %${x}, a string field, which can only be passed through to the output`);
  }
  const extra = EXTRA_ATTR_CHECKS.get(contract.name)?.(node.attrs) ?? EXTRA_INPUT_CHECKS.get(contract.name)?.(node.inputs.map((x) => cx.facts[x].node));
  if (extra != null) fail(where, extra);
  let inferred: { dtype: DType; shape: SymShape };
  try {
    inferred = contract.infer(node.inputs.map((x) => cx.facts[x].node), node.attrs);
  } catch (e) {
    fail(where, `is not valid for its inputs and attrs: ${clip(errorText(e), 300)}`);
  }
  if (inferred.dtype !== node.dtype || !shapesEqual(inferred.shape, node.shape)) {
    fail(where, `says ${typeOf(node)} but its inputs give ${typeOf(inferred)}`);
  }
  return { node, effect: contract.kind === 'effect', opaque: false };
}

const ATTR_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function readAttrs(v: unknown, where: string): Attrs {
  const o = object(v, `${where}'s attrs`, 'an object');
  const out: Record<string, AttrValue> = {};
  for (const k of Object.keys(o)) {
    if (!ATTR_NAME.test(k) || !isSafeKey(k)) fail(where, `has an attr named ${quoted(k)}; attr names are identifiers that do not name built-in properties of JS objects`);
    out[k] = readAttrValue(o[k], `${where}, attr '${k}'`, 0);
  }
  return out;
}

/** Attrs are JSON data: numbers, booleans, strings, null and arrays (and named special numbers). */
function readAttrValue(v: unknown, where: string, depth: number): AttrValue {
  if (depth > 16) fail(where, 'is nested more than 16 levels deep');
  if (Array.isArray(v)) {
    if (v.length > 1_000_000) fail(where, `has ${v.length} items; at most 1000000 are allowed`);
    return v.map((x, i) => readAttrValue(x, `${where}[${i}]`, depth + 1));
  }
  return readScalar(v, where);
}

function readOut(v: unknown, where: string, facts: readonly NodeFacts[], inputCount: number, depth: number): OutSpec {
  if (depth > MAX_DEPTH) fail(where, `is nested more than ${MAX_DEPTH} levels deep`);
  const o = object(v, where, 'an output object ({"kind": ...})');
  const kind = get(o, 'kind');
  switch (kind) {
    case 'node': {
      fields(o, where, ['kind', 'id'], ['id']);
      const id = integer(get(o, 'id'), where, 'id', 0, facts.length - 1);
      if (facts[id].effect) fail(where, `returns %${id} ('${facts[id].node.op}'), an effect, which has no value`);
      if (facts[id].opaque) fail(where, `returns %${id}, a string field, as a tensor; a string field is returned with passthrough`);
      return { kind, id };
    }
    case 'value':
      fields(o, where, ['kind', 'value'], ['value']);
      return { kind, value: readScalar(get(o, 'value'), `${where}.value`) };
    case 'passthrough':
      fields(o, where, ['kind', 'input'], ['input']);
      return { kind, input: integer(get(o, 'input'), where, 'input', 0, inputCount - 1) };
    case 'array':
      fields(o, where, ['kind', 'items'], ['items']);
      return { kind, items: array(get(o, 'items'), where, 'items', 100_000).map((x, i) => readOut(x, `${where}[${i}]`, facts, inputCount, depth + 1)) };
    case 'record':
      fields(o, where, ['kind', 'fields'], ['fields']);
      return { kind, fields: readPairs(get(o, 'fields'), where).map(([k, x]) => [k, readOut(x, `${where}.${k}`, facts, inputCount, depth + 1)] as const) };
    default:
      fail(where, `has kind ${show(kind)}; expected node, value, passthrough, array or record`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Constants

const CONST_KEY = /^k(0|[1-9][0-9]{0,8})$/;

/** The file's constants, decoded up front; each must be used by some const node or seed. */
class ConstantPool {
  private readonly tensors = new Map<string, Tensor>();
  private readonly used = new Set<string>();

  constructor(raw: unknown) {
    const o = object(raw, 'constants', 'an object mapping keys to constants');
    for (const key of Object.keys(o)) {
      // The pattern also keeps out __proto__ and friends: keys only ever index this Map.
      if (!CONST_KEY.test(key)) fail('constants', `has a key ${quoted(key)}; expected keys like "k0", "k1"`);
      this.tensors.set(key, readConstant(o[key], `constant '${key}'`));
    }
  }

  take(key: unknown, where: string): Tensor {
    const t = typeof key === 'string' ? this.tensors.get(key) : undefined;
    if (t === undefined) fail(where, `refers to constant ${show(key)}, which the file does not have`);
    this.used.add(key as string);
    return t;
  }

  checkAllUsed(): void {
    for (const key of this.tensors.keys()) if (!this.used.has(key)) fail(`constant '${key}'`, 'is not used by any node or seed');
  }
}

function readConstant(v: unknown, where: string): Tensor {
  const o = object(v, where, 'a constant object');
  fields(o, where, ['dtype', 'shape', 'encoding', 'values', 'data'], ['dtype', 'shape', 'encoding']);
  const dtype = readDType(get(o, 'dtype'), where);
  const shape = readShape(get(o, 'shape'), where, false) as number[];
  const size = shape.reduce((a, b) => a * b, 1);
  if (size > MAX_DIM) fail(where, `has shape ${formatShape(shape)} (${size} elements); at most ${MAX_DIM} are allowed`);
  const encoding = get(o, 'encoding');
  let data: TypedArray;
  if (encoding === 'json') {
    fields(o, where, ['dtype', 'shape', 'encoding', 'values'], ['values']);
    data = decodeInlineValues(get(o, 'values'), dtype, size, where);
  } else if (encoding === 'arrow-ipc') {
    fields(o, where, ['dtype', 'shape', 'encoding', 'data'], ['data']);
    data = decodeIpc(get(o, 'data'), dtype, shape, where);
  } else {
    fail(where, `has encoding ${show(encoding)}; expected "json" or "arrow-ipc"`);
  }
  return new Tensor(dtype, shape, data);
}

const INT_RANGE: Partial<Record<DType, readonly [number, number]>> = { int32: [-(2 ** 31), 2 ** 31 - 1], uint8: [0, 255] };

/**
 * Values written inline: a flat row-major array. Floats are JSON numbers, or "NaN", "Infinity", "-Infinity",
 * "-0" (strings are unambiguous here, as values are never strings); bools are true/false; ints are integers
 * in the dtype's range.
 */
export function decodeInlineValues(v: unknown, dtype: DType, size: number, where: string): TypedArray {
  if (!Array.isArray(v)) fail(where, `has values ${show(v)}; expected an array`);
  if (v.length !== size) fail(where, `has ${v.length} values; its shape needs ${size}`);
  const out = allocate(dtype, size);
  const range = INT_RANGE[dtype];
  for (let i = 0; i < size; i++) {
    const x: unknown = v[i];
    if (dtype === 'bool') {
      if (typeof x !== 'boolean') fail(where, `has values[${i}] ${show(x)}; a bool constant holds true or false`);
      out[i] = x ? 1 : 0;
    } else if (range !== undefined) {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < range[0] || x > range[1]) {
        fail(where, `has values[${i}] ${show(x)}; a ${dtype} constant holds integers in [${range[0]}, ${range[1]}]`);
      }
      out[i] = x;
    } else {
      const n = typeof x === 'string' ? SPECIAL_NUMBERS.get(x) : typeof x === 'number' ? x : undefined;
      if (n === undefined) fail(where, `has values[${i}] ${show(x)}; expected a number or "NaN", "Infinity", "-Infinity", "-0"`);
      if (dtype === 'float32' && Number.isFinite(n) && !Number.isFinite(Math.fround(n))) fail(where, `has values[${i}] ${show(x)}, which is outside the float32 range`);
      out[i] = n;
    }
  }
  return out;
}

/** Whether an Arrow column type stores `dtype` bit for bit (bool is stored as uint8 0/1, not bit-packed). */
function arrowTypeHolds(type: DataType, dtype: DType): boolean {
  if (dtype === 'float32' || dtype === 'float64') {
    return DataType.isFloat(type) && type.precision === (dtype === 'float32' ? Precision.SINGLE : Precision.DOUBLE);
  }
  if (!DataType.isInt(type)) return false;
  return dtype === 'int32' ? type.bitWidth === 32 && type.isSigned : type.bitWidth === 8 && !type.isSigned;
}

function decodeIpc(v: unknown, dtype: DType, shape: readonly number[], where: string): TypedArray {
  if (typeof v !== 'string' || v.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) {
    fail(where, 'has data that is not base64 text');
  }
  // A fresh copy at offset 0 keeps every typed-array view Arrow makes over it aligned.
  const bytes = new Uint8Array(Buffer.from(v, 'base64'));
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (e) {
    fail(where, `holds Arrow IPC data that cannot be read (${clip(errorText(e), 120)}); the file may be corrupt`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const columns = table.schema.fields;
  if (columns.length !== 1) fail(where, `holds an Arrow table with ${columns.length} columns; expected 1`);
  if (!arrowTypeHolds(columns[0].type, dtype)) fail(where, `holds an Arrow column of type ${columns[0].type}, which does not store ${dtype}`);
  const meta = table.schema.metadata;
  if ((meta.has('weir:dtype') && meta.get('weir:dtype') !== dtype) || (meta.has('weir:shape') && meta.get('weir:shape') !== JSON.stringify(shape))) {
    fail(where, `holds Arrow metadata (${show(meta.get('weir:dtype'))}, ${show(meta.get('weir:shape'))}) that disagrees with its dtype and shape`);
  }
  if (table.numRows !== size) fail(where, `holds ${table.numRows} values; its shape ${formatShape(shape)} needs ${size}`);
  const column = table.getChildAt(0);
  if (column === null || column.nullCount > 0) fail(where, 'holds null values; a constant has none');
  const out = allocate(dtype, size);
  const outBytes = new Uint8Array(out.buffer);
  let offset = 0;
  for (const chunk of column.data) {
    const values = chunk.values as TypedArray;
    if (values.length < chunk.length) fail(where, 'holds an Arrow column shorter than its length says; the file may be corrupt');
    // A byte copy, so NaN payloads come back bit for bit.
    const src = new Uint8Array(values.buffer, values.byteOffset, chunk.length * values.BYTES_PER_ELEMENT);
    outBytes.set(src, offset);
    offset += src.length;
  }
  if (dtype === 'bool' && out.some((x) => x > 1)) fail(where, 'holds bool values other than 0 and 1');
  return out;
}
