import type { DType } from '../core/dtype';
import { formatShape, shapesEqual, SymShape } from '../core/shape';
import { Tensor } from '../core/tensor';
import { Attrs, AttrValue, getContract, hasContract, OpContract } from '../ops/contract';
import type { ExprGraph, ExprNode, InputSpec, OutSpec } from './expr';
import { ConstantPool } from './plan-constants';
import { array, clip, errorText, fail, fields, get, integer, isSafeKey, MAX_DEPTH, object, optionalBoolean, quoted, readDType, readPairs, readScalar, readShape, show } from './plan-json';
// The validator must know every op a plan may name, even when nothing else has loaded the op library yet.
import '../ops/contracts';

// A saved plan's expression graphs (validate.ts): every op node re-inferred by its contract and checked against the file.

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

export function readExpr(v: unknown, stage: string, pool: ConstantPool): ExprGraph {
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
