import { Field, makeData, makeVector, RecordBatch, Schema, Struct, Table, tableToIPC } from 'apache-arrow';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { Tensor, isTensor } from '../core/tensor';
import type { AttrValue, Attrs } from '../ops/contract';
import type { ExprGraph, OutSpec } from './expr';
import type { FieldType, StageIR, StreamGraph, TracedStage } from './stream';
import { decodeInlineValues } from './plan-constants';
import { isSafeKey, PlanFormatError, specialNumberName } from './plan-json';
import { deserializePlan, PLAN_FORMAT, PLAN_FORMAT_VERSION } from './validate';

/**
 * The saved-plan format, version 1: one JSON document.
 *
 * ```
 * { "format": "weir-plan", "version": 1, "createdBy"?: string,
 *   "input": FieldType[], "bare": boolean,
 *   "stages": [ { "kind": "map", "position": 0, "keyed"?: bool, "expr": Expr, "seed"?: Seed }   (traced kinds)
 *             | { "kind": "batch", "position": 1, "size": 32 } | take/skip {count} | countWindow {size, slide}
 *             | timeWindow {time, size, slide, allowedLateness} ],
 *   "constants": { "k0": Constant, ... } }
 * Expr     = { "inputs": InputSpec[], "nodes": Node[], "output": Out, "effects": number[] }
 * Node     = { "id", "op", "inputs": number[], "attrs": {...}, "dtype", "shape": (number|null)[],
 *              "weak"?: bool (input nodes), "const"?: "k3" (const nodes) }
 * Out      = {kind:"node",id} | {kind:"value",value} | {kind:"passthrough",input} | {kind:"array",items}
 *          | {kind:"record",fields:[[name, Out], ...]}
 * Seed     = {kind:"value",value} | {kind:"undefined"} | {kind:"tensor",const:"k2"} | {kind:"array",items}
 *          | {kind:"record",fields:[[name, Seed], ...]}
 * Constant = {dtype, shape, encoding:"json", values:[...]}          (at most 64 elements)
 *          | {dtype, shape, encoding:"arrow-ipc", data:"<base64>"}  (larger, or NaNs with payloads)
 * ```
 * - Attrs are kept as the user wrote them; loading re-infers every node from them.
 * - Where a JSON value stands for a number that JSON cannot hold (NaN, ±Infinity, -0) it is written
 *   `{"number": "NaN"}` (in attrs, output literals and seeds, where a string would be ambiguous); in an
 *   inline constant's values, which are never strings, as the plain string `"NaN"`.
 * - An Arrow constant is an Arrow IPC *stream* holding a one-column table: column `values`, the dtype's
 *   Arrow type (Float32, Float64, Int32, Uint8; bool is Uint8 0/1 rather than Arrow's bit-packed Bool, so
 *   the bytes are Weir's own), one row per element in row-major order, no nulls. The schema's metadata
 *   repeats `weir:dtype` and `weir:shape` for readers outside Weir (pyarrow opens it as a flat column).
 *   Flat rather than FixedSizeList: a constant is one tensor, not a column of them.
 * - A tensor used in several places (two stages, a node and a seed) is stored once.
 */

/** Constants of at most this many elements are written inline as JSON numbers; larger ones as Arrow IPC. */
export const INLINE_CONSTANT_LIMIT = 64;

/** A plan that cannot be saved, naming the stage (`kind#position`) and why. */
export class UnsaveablePlanError extends Error {
  constructor(
    readonly stage: string,
    reason: string,
  ) {
    super(`Cannot save the plan: stage ${stage} ${reason}`);
    this.name = 'UnsaveablePlanError';
  }
}

/**
 * Writes a compiled stream graph as the saved-plan JSON text (format above). Throws UnsaveablePlanError for a
 * stage that needs user code (a graph break) or a second flow (zip, merge).
 *
 * ```ts
 * const text = serializePlan(graph, { createdBy: 'weir compile' });
 * const same = deserializePlan(text);
 * ```
 */
export function serializePlan(graph: StreamGraph, meta: { createdBy?: string } = {}): string {
  const pool = new ConstantWriter();
  const stages = graph.stages.map((s) => writeStage(s, pool));
  const doc = {
    format: PLAN_FORMAT,
    version: PLAN_FORMAT_VERSION,
    ...(meta.createdBy === undefined ? {} : { createdBy: meta.createdBy }),
    input: graph.input.map(writeFieldType),
    bare: graph.bare,
    stages,
    constants: pool.constants,
  };
  return `${layout(doc, '')}\n`;
}

/**
 * Saves a plan to `path` (written to a temporary file, then renamed, so a reader never sees half a plan).
 *
 * ```ts
 * await savePlanFile('scores.weir', graph);
 * ```
 */
export async function savePlanFile(path: string, graph: StreamGraph, meta?: { createdBy?: string }): Promise<void> {
  const text = serializePlan(graph, meta);
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, path);
}

/**
 * Loads and validates a plan saved by savePlanFile. A malformed file is a PlanFormatError naming the file.
 *
 * ```ts
 * const graph = await loadPlanFile('scores.weir');
 * ```
 */
export async function loadPlanFile(path: string): Promise<StreamGraph> {
  const text = await readFile(path, 'utf8');
  try {
    return deserializePlan(text);
  } catch (e) {
    if (e instanceof PlanFormatError) throw new PlanFormatError(e.where, e.problem, path);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

const label = (s: StageIR): string => `${s.kind}#${s.position}`;

function writeStage(s: StageIR, pool: ConstantWriter): Json {
  switch (s.kind) {
    case 'zip':
    case 'merge':
      throw new UnsaveablePlanError(label(s), `cannot be saved: ${s.kind} reads a second flow, whose source and operators are JS objects, not part of the plan. Keep the pipeline module.`);
    case 'batch': return { kind: s.kind, position: s.position, size: s.size };
    case 'take':
    case 'skip': return { kind: s.kind, position: s.position, count: s.count };
    case 'countWindow': return { kind: s.kind, position: s.position, size: s.size, slide: s.slide };
    case 'timeWindow':
      return { kind: s.kind, position: s.position, time: s.time, size: s.size, slide: s.slide, allowedLateness: s.allowedLateness };
    default: return writeTraced(s, pool);
  }
}

function writeTraced(s: TracedStage, pool: ConstantWriter): Json {
  const where = label(s);
  if (s.breakReason !== undefined) {
    throw new UnsaveablePlanError(where, `cannot be saved: it runs user code per element: ${s.breakReason}; a saved plan holds no code. Make the callback traceable or keep the pipeline module.`);
  }
  if (s.expr === null) throw new UnsaveablePlanError(where, 'cannot be saved: it has no traced expression graph, and a saved plan holds no code.');
  return {
    kind: s.kind,
    position: s.position,
    ...(s.keyed === undefined ? {} : { keyed: s.keyed }),
    expr: writeExpr(s.expr, where, pool),
    ...(s.seed === undefined ? {} : { seed: writeSeed(s.seed, where, 'seed', pool, 0) }),
  };
}

function writeFieldType(f: FieldType): Json {
  return {
    name: f.name,
    kind: f.kind,
    ...(f.dtype === undefined ? {} : { dtype: f.dtype }),
    ...(f.shape === undefined ? {} : { shape: [...f.shape] }),
  };
}

function writeExpr(g: ExprGraph, stage: string, pool: ConstantWriter): Json {
  return {
    inputs: g.inputs.map((i) => ({
      name: i.name, dtype: i.dtype, shape: [...i.shape],
      ...(i.weak === undefined ? {} : { weak: i.weak }),
      ...(i.opaque === undefined ? {} : { opaque: i.opaque }),
    })),
    nodes: g.nodes.map((n) => {
      let constKey: string | undefined;
      if (n.op === 'const') {
        const t = g.consts.get(n.id);
        if (t === undefined) throw new UnsaveablePlanError(stage, `cannot be saved: node %${n.id} is a const with no value in the graph's consts`);
        constKey = pool.add(t);
      }
      return {
        id: n.id, op: n.op, inputs: [...n.inputs], attrs: writeAttrs(n.attrs, stage, n.id), dtype: n.dtype, shape: [...n.shape],
        ...(n.weak === undefined ? {} : { weak: n.weak }),
        ...(constKey === undefined ? {} : { const: constKey }),
      };
    }),
    output: writeOut(g.output, stage, 'output'),
    effects: [...g.effects],
  };
}

function writeNumber(v: number): Json {
  const name = specialNumberName(v);
  return name === null ? v : { number: name };
}

function writeScalar(v: string | number | boolean | null): Json {
  return typeof v === 'number' ? writeNumber(v) : v;
}

function writeAttrs(attrs: Attrs, stage: string, id: number): Json {
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(attrs)) {
    // An undefined attr reads the same as a missing one in every contract.
    if (v !== undefined) out[k] = writeAttrValue(v, stage, `node %${id}, attr '${k}'`);
  }
  return out;
}

function writeAttrValue(v: AttrValue, stage: string, path: string): Json {
  if (Array.isArray(v)) return v.map((x: AttrValue, i: number) => writeAttrValue(x, stage, `${path}[${i}]`));
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return writeNumber(v);
  throw new UnsaveablePlanError(stage, `cannot be saved: ${path} is ${typeof v}; attrs must be JSON data`);
}

function checkKey(k: string, stage: string, path: string): string {
  if (!isSafeKey(k)) throw new UnsaveablePlanError(stage, `cannot be saved: ${path} has a field named '${k}', which names a built-in property of JS objects`);
  return k;
}

function writeOut(o: OutSpec, stage: string, path: string): Json {
  switch (o.kind) {
    case 'node': return { kind: o.kind, id: o.id };
    case 'value': return { kind: o.kind, value: writeScalar(o.value) };
    case 'passthrough': return { kind: o.kind, input: o.input };
    case 'array': return { kind: o.kind, items: o.items.map((x, i) => writeOut(x, stage, `${path}[${i}]`)) };
    case 'record':
      return { kind: o.kind, fields: o.fields.map(([k, x]) => [checkKey(k, stage, path), writeOut(x, stage, `${path}.${k}`)]) };
  }
}

function writeSeed(v: unknown, stage: string, path: string, pool: ConstantWriter, depth: number): Json {
  if (depth > 64) throw new UnsaveablePlanError(stage, `cannot be saved: its ${path} is nested more than 64 levels deep (a cycle?)`);
  if (v === undefined) return { kind: 'undefined' };
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return { kind: 'value', value: writeScalar(v) };
  if (isTensor(v)) return { kind: 'tensor', const: pool.add(v) };
  if (Array.isArray(v)) return { kind: 'array', items: v.map((x, i) => writeSeed(x, stage, `${path}[${i}]`, pool, depth + 1)) };
  const proto = typeof v === 'object' ? Object.getPrototypeOf(v) : undefined;
  if (proto === Object.prototype || proto === null) {
    return {
      kind: 'record',
      fields: Object.entries(v as object).map(([k, x]) => [checkKey(k, stage, path), writeSeed(x, stage, `${path}.${k}`, pool, depth + 1)]),
    };
  }
  const what = typeof v === 'object' ? `a ${(v as object).constructor?.name ?? 'object'}` : `a ${typeof v}`;
  throw new UnsaveablePlanError(stage, `cannot be saved: its ${path} holds ${what}; a saved seed holds numbers, booleans, strings, null, tensors, and arrays and records of them`);
}

/** Collects the plan's constants, each tensor once, under keys k0, k1, ... */
class ConstantWriter {
  readonly constants: Record<string, Json> = {};
  private readonly keys = new Map<Tensor, string>();

  add(t: Tensor): string {
    let key = this.keys.get(t);
    if (key === undefined) {
      key = `k${this.keys.size}`;
      this.keys.set(t, key);
      this.constants[key] = encodeConstant(t);
    }
    return key;
  }
}

function encodeConstant(t: Tensor): Json {
  const head = { dtype: t.dtype, shape: [...t.shape] };
  if (t.size <= INLINE_CONSTANT_LIMIT) {
    const values = inlineValues(t);
    // JSON keeps every value but a NaN's payload bits; such a constant goes through Arrow to stay exact.
    if (sameBytes(decodeInlineValues(values, t.dtype, t.size, 'constant'), t.data)) return { ...head, encoding: 'json', values };
  }
  return { ...head, encoding: 'arrow-ipc', data: Buffer.from(toArrowIpc(t)).toString('base64') };
}

function inlineValues(t: Tensor): Json[] {
  const out = new Array<Json>(t.size);
  for (let i = 0; i < t.size; i++) {
    const x = t.data[i];
    out[i] = t.dtype === 'bool' ? x !== 0 : specialNumberName(x) ?? x;
  }
  return out;
}

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** One tensor as an Arrow IPC stream: a single flat column (see the format description above). */
function toArrowIpc(t: Tensor): Uint8Array {
  const vector = makeVector(t.data);
  const schema = new Schema(
    [new Field('values', vector.type, false)],
    new Map([['weir:dtype', t.dtype], ['weir:shape', JSON.stringify(t.shape)]]),
  );
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: t.size, nullCount: 0, children: [vector.data[0]] }));
  return tableToIPC(new Table(schema, [batch]), 'stream');
}

/**
 * JSON text a person can read: a value goes on one line when it is short or holds only scalars (a shape, an
 * inline constant's values, base64 data); otherwise one member per line.
 */
function layout(v: Json, indent: string): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const flat = JSON.stringify(v);
  const scalarsOnly = Array.isArray(v) && v.every((x: Json) => x === null || typeof x !== 'object');
  if (flat.length <= 100 || scalarsOnly) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(v)) return `[\n${v.map((x: Json) => inner + layout(x, inner)).join(',\n')}\n${indent}]`;
  const members = Object.entries(v).map(([k, x]) => `${inner}${JSON.stringify(k)}: ${layout(x, inner)}`);
  return `{\n${members.join(',\n')}\n${indent}}`;
}
