import { Float32, makeVector, Table, tableToIPC, vectorFromArray } from 'apache-arrow';
import { ops, prepareGraph, setPrintSink, Tensor, tensor } from '../../index';
import { traceGraph } from '../trace/trace';
import type { ExprGraph, InputSpec } from './expr';
import { serializePlan } from './serialize';
import type { StreamGraph } from './stream';
import { deserializePlan, PlanFormatError } from './validate';

const trace = (inputs: InputSpec[], f: (...xs: any[]) => unknown): ExprGraph => traceGraph(inputs, (v) => v, f);

/**
 * The plan every test tampers with. Its map stage's nodes:
 *   %0 = input x : float32[3,4]      %1 = const w : float32[4,5]     %2 = matmul(%0, %1) : float32[3,5]
 *   %3 = print(%2, label="y")        %4 = const 1 : float32[]        %5 = add(%2, %4) : float32[3,5]
 */
function basePlan(): StreamGraph {
  const w = tensor(new Float32Array(20).map((_, i) => i / 4), 'float32', [4, 5]);
  const expr = trace([{ name: 'x', dtype: 'float32', shape: [3, 4] }], (x) => {
    const y = ops.matmul(x, w);
    ops.print('y', y);
    return { y: ops.add(y, 1), n: 3 };
  });
  const acc = trace([{ name: 'acc', dtype: 'float32', shape: [] }], (a) => a);
  return {
    input: [{ name: 'x', kind: 'tensor', dtype: 'float32', shape: [3, 4] }],
    bare: false,
    stages: [
      { kind: 'map', position: 0, expr },
      { kind: 'scan', position: 1, seed: { n: 0, t: tensor([1, 2]) }, expr: acc },
      { kind: 'batch', position: 2, size: 4 },
      { kind: 'take', position: 3, count: 10 },
      { kind: 'countWindow', position: 4, size: 3, slide: 1 },
      { kind: 'timeWindow', position: 5, time: 'ts', size: 100, slide: 50, allowedLateness: 0 },
    ],
  };
}

const TEXT = serializePlan(basePlan());

/** The base plan's document after `edit`, as text (for edits JSON.stringify can express). */
function tampered(edit: (doc: any) => void): string {
  const doc = JSON.parse(TEXT);
  edit(doc);
  return JSON.stringify(doc);
}

/** The base plan's text with one exact substring replaced (for keys like __proto__, which objects cannot hold). */
function replaced(from: string, to: string): string {
  expect(TEXT).toContain(from);
  return TEXT.replace(from, to);
}

function loadError(text: string): PlanFormatError {
  try {
    deserializePlan(text);
  } catch (e) {
    expect(e).toBeInstanceOf(PlanFormatError);
    return e as PlanFormatError;
  }
  throw new Error('expected deserializePlan to throw a PlanFormatError');
}

const map = (doc: any) => doc.stages[0];
const node = (doc: any, id: number) => doc.stages[0].expr.nodes[id];
const P = 'Cannot load Weir plan: ';

describe('deserializePlan accepts what serializePlan writes', () => {
  it('loads the base plan unchanged', () => {
    expect(deserializePlan(TEXT)).toEqual(basePlan());
  });
});

describe('the file', () => {
  it.each([
    ['truncated JSON', TEXT.slice(0, Math.floor(TEXT.length / 2)), `${P}the file is not valid JSON (`],
    ['corrupt JSON', TEXT.replace('"stages"', '"stages" "'), `${P}the file is not valid JSON (`],
    ['an empty file', '', `${P}the file is not valid JSON (`],
    ['not an object', '[1,2]', `${P}the file is an array; expected a JSON object (a Weir plan)`],
    ['another format', '{"format":"weir-graph","version":1}', `${P}the file is not a Weir plan (its "format" is "weir-graph"; expected "weir-plan")`],
    ['no format', '{"version":1}', `${P}the file is not a Weir plan (its "format" is missing; expected "weir-plan")`],
  ])('rejects %s', (_, text, message) => {
    expect(loadError(text).message.startsWith(message)).toBe(true);
  });

  it('accepts a byte-order mark before the JSON', () => {
    expect(deserializePlan(`\ufeff${TEXT}`)).toEqual(basePlan());
  });

  it('says the JSON may be truncated or corrupt', () => {
    expect(loadError(TEXT.slice(0, 100)).message).toMatch(/^Cannot load Weir plan: the file is not valid JSON \(.+\); it may be truncated or corrupt$/);
  });

  it('rejects a version-2 file as written by a newer Weir, before looking at anything else', () => {
    const text = tampered((d) => {
      d.version = 2;
      d.newThing = { whatever: true };
    });
    expect(loadError(text).message).toBe(`${P}the file was written by a newer Weir (format version 2; this Weir reads 1); load it with that Weir or recompile the pipeline`);
  });

  it.each([[0], ['1'], [1.5], [null]])('rejects format version %j', (v) => {
    expect(loadError(tampered((d) => { d.version = v; })).message).toBe(`${P}the file has format version ${JSON.stringify(v)}; this Weir reads version 1`);
  });

  it.each([
    ['an unknown top-level field', (d: any) => { d.extra = 1; }, "the file has an unknown field 'extra'"],
    ['no stages', (d: any) => { delete d.stages; }, "the file has no 'stages' field"],
    ['bare not a boolean', (d: any) => { d.bare = 'yes'; }, 'the file has bare "yes"; expected true or false'],
    ['a bad input field', (d: any) => { d.input[0].kind = 'blob'; }, 'input[0] has kind "blob"; expected one of tensor, number, boolean, string, other'],
    ['a bad input dtype', (d: any) => { d.input[0].dtype = 'float16'; }, 'input[0] has dtype "float16"; expected one of bool, uint8, int32, float32, float64'],
    ['a non-string createdBy', (d: any) => { d.createdBy = 5; }, 'the file has createdBy 5; expected a string of at most 200 characters'],
  ])('rejects %s', (_, edit, message) => {
    expect(loadError(tampered(edit)).message).toBe(P + message);
  });
});

describe('stages', () => {
  it.each([
    ['an unknown kind', (d: any) => { d.stages[2].kind = 'eval'; }, 'stages[2] has kind "eval"; expected one of map, filter, flatMap, keyBy, tap, scan, reduce, batch, take, skip, countWindow, timeWindow'],
    ['a zip stage', (d: any) => { d.stages[2] = { kind: 'zip', position: 2 }; }, 'stages[2] is a zip stage; zip reads a second flow, which a saved plan cannot hold'],
    ['a merge stage', (d: any) => { d.stages[2] = { kind: 'merge', position: 2 }; }, 'stages[2] is a merge stage; merge reads a second flow, which a saved plan cannot hold'],
    ['a negative position', (d: any) => { d.stages[2].position = -1; }, 'stages[2] has position -1; expected an integer >= 0'],
    ['batch size 0', (d: any) => { d.stages[2].size = 0; }, 'stage batch#2 has size 0; expected an integer >= 1'],
    ['a fractional batch size', (d: any) => { d.stages[2].size = 1.5; }, 'stage batch#2 has size 1.5; expected an integer >= 1'],
    ['a batch size as a string', (d: any) => { d.stages[2].size = '4'; }, 'stage batch#2 has size "4"; expected an integer >= 1'],
    ['a negative take count', (d: any) => { d.stages[3].count = -1; }, 'stage take#3 has count -1; expected an integer >= 0'],
    ['countWindow slide 0', (d: any) => { d.stages[4].slide = 0; }, 'stage countWindow#4 has slide 0; expected an integer >= 1'],
    ['a timeWindow without a time field', (d: any) => { d.stages[5].time = 7; }, 'stage timeWindow#5 has time 7; expected a field name'],
    ['a timeWindow missing allowedLateness', (d: any) => { delete d.stages[5].allowedLateness; }, "stage timeWindow#5 has no 'allowedLateness' field"],
    ['an unknown stage field', (d: any) => { d.stages[2].fn = 'x => x'; }, "stage batch#2 has an unknown field 'fn'"],
    ['a saved graph break', (d: any) => { map(d).breakReason = 'calls a library'; }, "stage map#0 has an unknown field 'breakReason'"],
    ['a map stage without an expression', (d: any) => { map(d).expr = null; }, 'stage map#0, expr is null; expected an expression graph object'],
    ['a seed on a map stage', (d: any) => { map(d).seed = { kind: 'value', value: 1 }; }, "stage map#0 has an unknown field 'seed'"],
    ['keyed not a boolean', (d: any) => { map(d).keyed = 1; }, 'stage map#0 has keyed 1; expected true or false'],
  ])('rejects %s', (_, edit, message) => {
    expect(loadError(tampered(edit)).message).toBe(P + message);
  });
});

describe('nodes', () => {
  it('rejects a tampered shape, naming the stage, the node and both shapes', () => {
    const text = tampered((d) => { node(d, 2).shape = [3, 4]; });
    expect(loadError(text).message).toBe(`${P}stage map#0, node %2 ('matmul') says float32[3,4] but its inputs give float32[3,5]`);
  });

  it('rejects a tampered dtype', () => {
    const text = tampered((d) => {
      node(d, 5).dtype = 'int32';
    });
    expect(loadError(text).message).toBe(`${P}stage map#0, node %5 ('add') says int32[3,5] but its inputs give float32[3,5]`);
  });

  it('rejects a tampered input shape that the op contract refuses', () => {
    const text = tampered((d) => {
      map(d).expr.inputs[0].shape = [3, 7];
      node(d, 0).shape = [3, 7];
    });
    expect(loadError(text).message).toBe(
      `${P}stage map#0, node %2 ('matmul') is not valid for its inputs and attrs: Argument 'b' passed to 'matmul' has shape [4,5]; expected [7,*]`,
    );
  });

  it.each([
    ['an id that is not its index', (d: any) => { node(d, 2).id = 7; }, 'stage map#0, nodes[2] has id 7; a node\'s id must equal its index (2)'],
    ['a use of a later node (a cycle)', (d: any) => { node(d, 2).inputs = [0, 5]; }, "stage map#0, node %2 ('matmul') uses %5, which does not come before it; a node may only use earlier nodes (so the graph has no cycles)"],
    ['a use of itself', (d: any) => { node(d, 2).inputs = [2, 1]; }, "stage map#0, node %2 ('matmul') uses %2, which does not come before it; a node may only use earlier nodes (so the graph has no cycles)"],
    ['a use of a node that does not exist', (d: any) => { node(d, 5).inputs = [2, 99]; }, "stage map#0, node %5 ('add') uses %99, which does not come before it; a node may only use earlier nodes (so the graph has no cycles)"],
    ['a negative input id', (d: any) => { node(d, 5).inputs = [2, -1]; }, "stage map#0, node %5 ('add') has an input -1; expected a node id"],
    ['the wrong number of inputs', (d: any) => { node(d, 5).inputs = [2]; }, "stage map#0, node %5 ('add') has 1 inputs; 'add' takes 2 (a, b)"],
    ['an unknown dtype', (d: any) => { node(d, 5).dtype = 'float16'; }, "stage map#0, node %5 ('add') has dtype \"float16\"; expected one of bool, uint8, int32, float32, float64"],
    ['a negative dimension', (d: any) => { node(d, 5).shape = [3, -5]; }, "stage map#0, node %5 ('add') has shape [3,-5]; expected an array of at most 64 non-negative integers or null"],
    ['a fractional dimension', (d: any) => { node(d, 5).shape = [3, 2.5]; }, "stage map#0, node %5 ('add') has shape [3,2.5]; expected an array of at most 64 non-negative integers or null"],
    ['a shape that is not an array', (d: any) => { node(d, 5).shape = '[3,5]'; }, "stage map#0, node %5 ('add') has shape \"[3,5]\"; expected an array of at most 64 non-negative integers or null"],
    ['an object attr', (d: any) => { node(d, 5).attrs = { x: { y: 1 } }; }, "stage map#0, node %5 ('add'), attr 'x' is {\"y\":1}; expected a number, a string, a boolean, null or {\"number\": \"NaN\" | \"Infinity\" | \"-Infinity\" | \"-0\"}"],
    ['attrs that are not an object', (d: any) => { node(d, 5).attrs = [1]; }, "stage map#0, node %5 ('add')'s attrs is an array; expected an object"],
    ['an attr named constructor', (d: any) => { node(d, 5).attrs = { constructor: 1 }; }, "stage map#0, node %5 ('add') has an attr named 'constructor'; attr names are identifiers that do not name built-in properties of JS objects"],
    ['an attr name that is not an identifier', (d: any) => { node(d, 5).attrs = { 'a b': 1 }; }, "stage map#0, node %5 ('add') has an attr named 'a b'; attr names are identifiers that do not name built-in properties of JS objects"],
    ['invalid attrs for the op', (d: any) => { node(d, 3).op = 'sum'; node(d, 3).attrs = { axis: 5 }; node(d, 3).dtype = 'float32'; }, "stage map#0, node %3 ('sum') is not valid for its inputs and attrs: Argument 'axis' passed to 'sum' is 5; expected an axis in [-2, 1] for a rank-2 tensor"],
    ['a weak flag on an op node', (d: any) => { node(d, 5).weak = true; }, "stage map#0, node %5 ('add') has a weak flag; only input nodes have one"],
    ['a const field on an op node', (d: any) => { node(d, 5).const = 'k0'; }, "stage map#0, node %5 ('add') has a 'const' field; only const nodes have one"],
    ['an unknown node field', (d: any) => { node(d, 5).code = 'alert(1)'; }, "stage map#0, nodes[5] has an unknown field 'code'"],
    ['an op that is not a string', (d: any) => { node(d, 5).op = 7; }, 'stage map#0, nodes[5] has op 7; expected an op name'],
    ['a print label that is not a string', (d: any) => { node(d, 3).attrs = { label: [1] }; }, "stage map#0, node %3 ('print') has label [1]; expected a string"],
    ['a use of an effect as a value', (d: any) => { node(d, 5).inputs = [3, 4]; }, "stage map#0, node %5 ('add') uses %3 ('print'), an effect, which has no value"],
    ['attrs nested too deep', (d: any) => { node(d, 5).attrs = { a: JSON.parse('['.repeat(30) + ']'.repeat(30)) }; }, "stage map#0, node %5 ('add'), attr 'a'[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0] is nested more than 16 levels deep"],
  ])('rejects %s', (_, edit, message) => {
    expect(loadError(tampered(edit)).message).toBe(P + message);
  });

  it('rejects an attr named __proto__ and leaves Object.prototype alone', () => {
    const text = replaced('"op":"add","inputs":[2,4],"attrs":{}', '"op":"add","inputs":[2,4],"attrs":{"__proto__":{"axis":0,"polluted":1}}');
    expect(loadError(text).message).toBe(`${P}stage map#0, node %5 ('add') has an attr named '__proto__'; attr names are identifiers that do not name built-in properties of JS objects`);
    expect(({} as any).polluted).toBeUndefined();
  });

  describe('input nodes', () => {
    it.each([
      ['a dtype unlike its input spec', (d: any) => { node(d, 0).dtype = 'int32'; }, "stage map#0, node %0 ('input') says int32[3,4] but inputs[0] ('x') is float32[3,4]"],
      ['an index out of range', (d: any) => { node(d, 0).attrs.index = 1; }, "stage map#0, node %0 ('input') has attr index 1; expected an integer in [0, 0]"],
      ['a name unlike its input spec', (d: any) => { node(d, 0).attrs.name = 'y'; }, "stage map#0, node %0 ('input') has name \"y\" but inputs[0] is named \"x\""],
      ['an extra attr', (d: any) => { node(d, 0).attrs.code = 'x'; }, "stage map#0, node %0 ('input') has an attr 'code'; input nodes have only index and name"],
      ['inputs of its own', (d: any) => { node(d, 1).inputs = [0]; }, "stage map#0, node %1 ('const') has inputs; a const node takes none"],
      ['a weak flag unlike its spec', (d: any) => { node(d, 0).weak = true; }, "stage map#0, node %0 ('input') has weak true but inputs[0] has weak false"],
      ['a second node for the same input', (d: any) => { node(d, 1).op = 'input'; node(d, 1).attrs = { index: 0 }; delete node(d, 1).const; node(d, 1).shape = [3, 4]; }, "stage map#0, node %1 ('input') reads inputs[0], which an earlier input node already reads"],
    ])('rejects %s', (_, edit, message) => {
      expect(loadError(tampered(edit)).message).toBe(P + message);
    });
  });

  describe('effects and output', () => {
    it.each([
      ['an effect that is not a print node', (d: any) => { map(d).expr.effects = [2]; }, "stage map#0 lists %2 ('matmul') in effects, but it is not an effect (print) node"],
      ['a print node missing from effects', (d: any) => { map(d).expr.effects = []; }, 'stage map#0 has effects []; expected every effect node in program order: [3]'],
      ['an effect id out of range', (d: any) => { map(d).expr.effects = [40]; }, 'stage map#0 has effects[0] 40; expected an integer in [0, 5]'],
      ['an output node out of range', (d: any) => { map(d).expr.output.fields[0][1].id = 6; }, 'stage map#0, output.y has id 6; expected an integer in [0, 5]'],
      ['an output that is an effect', (d: any) => { map(d).expr.output.fields[0][1].id = 3; }, "stage map#0, output.y returns %3 ('print'), an effect, which has no value"],
      ['a passthrough of a missing input', (d: any) => { map(d).expr.output.fields[1][1] = { kind: 'passthrough', input: 1 }; }, 'stage map#0, output.n has input 1; expected an integer in [0, 0]'],
      ['an unknown output kind', (d: any) => { map(d).expr.output.kind = 'code'; }, 'stage map#0, output has kind "code"; expected node, value, passthrough, array or record'],
      ['a repeated record field', (d: any) => { map(d).expr.output.fields[1][0] = 'y'; }, "stage map#0, output, fields[1] repeats the field name 'y'"],
      ['an object as a literal', (d: any) => { map(d).expr.output.fields[1][1].value = { a: 1 }; }, 'stage map#0, output.n.value is {"a":1}; expected a number, a string, a boolean, null or {"number": "NaN" | "Infinity" | "-Infinity" | "-0"}'],
    ])('rejects %s', (_, edit, message) => {
      expect(loadError(tampered(edit)).message).toBe(P + message);
    });

    it('rejects an output record field named __proto__', () => {
      const text = replaced('[["y",', '[["__proto__",');
      expect(loadError(text).message).toBe(`${P}stage map#0, output, fields[0] has name '__proto__', which names a built-in property of JS objects; it cannot be used as a key`);
    });
  });
});

describe('constants', () => {
  it.each([
    ['a const node without its constant', (d: any) => { node(d, 1).const = 'k9'; }, "stage map#0, node %1 ('const') refers to constant \"k9\", which the file does not have"],
    ['a constant whose shape disagrees with its node', (d: any) => { d.constants.k0.shape = [5, 4]; }, "stage map#0, node %1 ('const') says float32[4,5] but its constant is float32[5,4]"],
    ['a constant whose dtype disagrees with its node', (d: any) => { d.constants.k0.dtype = 'float64'; }, "stage map#0, node %1 ('const') says float32[4,5] but its constant is float64[4,5]"],
    ['too few inline values', (d: any) => { d.constants.k0.values.pop(); }, "constant 'k0' has 19 values; its shape needs 20"],
    ['a string among float values', (d: any) => { d.constants.k0.values[3] = 'abc'; }, "constant 'k0' has values[3] \"abc\"; expected a number or \"NaN\", \"Infinity\", \"-Infinity\", \"-0\""],
    ['a float32 value out of range', (d: any) => { d.constants.k0.values[3] = 1e39; }, "constant 'k0' has values[3] 1e+39, which is outside the float32 range"],
    ['a uint8 value out of range', (d: any) => { d.constants.k0.dtype = 'uint8'; node(d, 1).dtype = 'uint8'; d.constants.k0.values[0] = 300; }, "constant 'k0' has values[0] 300; a uint8 constant holds integers in [0, 255]"],
    ['a fractional int32 value', (d: any) => { d.constants.k0.dtype = 'int32'; d.constants.k0.values[1] = 1.5; }, "constant 'k0' has values[1] 1.5; a int32 constant holds integers in [-2147483648, 2147483647]"],
    ['a number in a bool constant', (d: any) => { d.constants.k0.dtype = 'bool'; }, "constant 'k0' has values[0] 0; a bool constant holds true or false"],
    ['an unused constant', (d: any) => { d.constants.k7 = { dtype: 'float32', shape: [], encoding: 'json', values: [1] }; }, "constant 'k7' is not used by any node or seed"],
    ['a constant key not like k0', (d: any) => { d.constants.weights = d.constants.k0; }, "constants has a key 'weights'; expected keys like \"k0\", \"k1\""],
    ['an unknown encoding', (d: any) => { d.constants.k0.encoding = 'pickle'; }, "constant 'k0' has encoding \"pickle\"; expected \"json\" or \"arrow-ipc\""],
    ['inline values with Arrow data', (d: any) => { d.constants.k0.data = ''; }, "constant 'k0' has an unknown field 'data'"],
    ['a symbolic constant shape', (d: any) => { d.constants.k0.shape = [null, 5]; }, "constant 'k0' has shape [null,5]; expected an array of at most 64 non-negative integers"],
    ['a seed tensor that is missing', (d: any) => { d.stages[1].seed.fields[1][1].const = 'k5'; }, 'stage scan#1, seed.t refers to constant "k5", which the file does not have'],
    ['a seed of an unknown kind', (d: any) => { d.stages[1].seed.fields[0][1] = { kind: 'function', body: 'return 1' }; }, 'stage scan#1, seed.n has kind "function"; expected value, undefined, tensor, array or record'],
  ])('rejects %s', (_, edit, message) => {
    expect(loadError(tampered(edit)).message).toBe(P + message);
  });

  it('rejects a constant keyed __proto__', () => {
    const text = replaced('"constants": {', '"constants": {"__proto__": {"dtype":"float32","shape":[],"encoding":"json","values":[1]},');
    expect(loadError(text).message).toBe(`${P}constants has a key '__proto__'; expected keys like "k0", "k1"`);
  });

  it('rejects a seed record field named __proto__', () => {
    const text = replaced('"fields":[["n",', '"fields":[["__proto__",');
    expect(loadError(text).message).toBe(`${P}stage scan#1, seed, fields[0] has name '__proto__', which names a built-in property of JS objects; it cannot be used as a key`);
  });

  describe('Arrow IPC constants', () => {
    const big = tensor(new Float32Array(256 * 64).map((_, i) => i), 'float32', [256, 64]);
    const plan = (): StreamGraph => ({
      input: [], bare: true,
      stages: [{ kind: 'map', position: 0, expr: trace([{ name: 'x', dtype: 'float32', shape: [256] }], (x) => ops.matmul(x, big)) }],
    });
    const BIG = serializePlan(plan());
    const edited = (edit: (doc: any) => void): string => {
      const doc = JSON.parse(BIG);
      edit(doc);
      return JSON.stringify(doc);
    };

    it('loads the untampered plan', () => {
      const t = (deserializePlan(BIG).stages[0] as { expr: ExprGraph }).expr.consts.get(1) as Tensor;
      expect(Array.from(t.data.subarray(0, 3))).toEqual([0, 1, 2]);
    });

    it.each([
      ['data that is not base64', (d: any) => { d.constants.k0.data = '!!!!'; }, "constant 'k0' has data that is not base64 text"],
      ['truncated Arrow data', (d: any) => { d.constants.k0.data = d.constants.k0.data.slice(0, 1000); }, "constant 'k0' holds Arrow IPC data that cannot be read (Expected to read"],
      ['a dtype the Arrow column does not store', (d: any) => { d.constants.k0.dtype = 'float64'; }, "constant 'k0' holds an Arrow column of type Float32, which does not store float64"],
      ['a shape that disagrees with the Arrow metadata', (d: any) => { d.constants.k0.shape = [128, 64]; }, "constant 'k0' holds Arrow metadata"],
    ])('rejects %s', (_, edit, message) => {
      expect(loadError(edited(edit)).message.startsWith(P + message)).toBe(true);
    });

    it('rejects Arrow data of the wrong length, metadata or not', () => {
      const ipc = tableToIPC(new Table({ values: makeVector(new Float32Array(100)) }), 'stream');
      const text = edited((d) => { d.constants.k0.data = Buffer.from(ipc).toString('base64'); });
      expect(loadError(text).message).toBe(`${P}constant 'k0' holds 100 values; its shape [256,64] needs 16384`);
    });

    it('rejects nulls in an Arrow constant', () => {
      const ipc = tableToIPC(new Table({ values: vectorFromArray([1, null, 3], new Float32()) }), 'stream');
      const text = edited((d) => {
        d.constants.k0.data = Buffer.from(ipc).toString('base64');
        d.constants.k0.shape = [3];
        d.stages[0].expr.nodes[1].shape = [3];
      });
      expect(loadError(text).message).toBe(`${P}constant 'k0' holds null values; a constant has none`);
    });
  });
});

describe('planted JavaScript is never run', () => {
  const g = globalThis as { __pwned?: unknown };
  beforeEach(() => {
    delete g.__pwned;
  });
  afterEach(() => {
    expect(g.__pwned).toBeUndefined();
    expect(({} as any).polluted).toBeUndefined();
  });

  it.each([
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'process.exit(1)//',
    "${require('child_process').execSync('touch /tmp/weir-pwned')}",
    "x');globalThis.__pwned=1;('",
    '(() => { globalThis.__pwned = 1 })()',
  ])('rejects the op name %j, naming the stage, the node and the op', (op) => {
    const text = tampered((d) => { node(d, 2).op = op; });
    const shown = (op.length > 40 ? `${op.slice(0, 40)}...` : op).replace(/"/g, '\\"');
    expect(loadError(text).message).toBe(`${P}stage map#0, node %2 uses an unknown op '${shown}'; a plan may only use Weir's registered ops`);
  });

  it('escapes and clips a long or multi-line op name in the message', () => {
    const op = `evil"\n${'x'.repeat(10_000)}`;
    const message = loadError(tampered((d) => { node(d, 2).op = op; })).message;
    expect(message).toBe(`${P}stage map#0, node %2 uses an unknown op 'evil\\"\\n${'x'.repeat(34)}...'; a plan may only use Weir's registered ops`);
  });

  it.each([
    ['cast', 'dtype', "is not valid for its inputs and attrs: Argument 'dtype' passed to 'cast' is \"x);globalThis.__pwned=1;(\"; expected one of"],
    ['reshape', 'shape', "is not valid for its inputs and attrs: Argument 'shape' passed to 'reshape' is \"x);globalThis.__pwned=1;(\"; expected an array of integers"],
  ])("rejects code in a string attr of '%s', which takes no free string", (op, attr, message) => {
    const text = tampered((d) => {
      const n = node(d, 5);
      n.op = op;
      n.inputs = [2];
      n.attrs = { [attr]: 'x);globalThis.__pwned=1;(' };
    });
    expect(loadError(text).message.startsWith(`${P}stage map#0, node %5 ('${op}') ${message}`)).toBe(true);
  });

  it("carries code in print's label (a free string) as inert text, even when the graph runs", () => {
    const label = 'x);globalThis.__pwned=1;(';
    const graph: StreamGraph = {
      input: [], bare: true,
      stages: [{ kind: 'tap', position: 0, expr: trace([{ name: 'x', dtype: 'float32', shape: [2] }], (x) => {
        ops.print('placeholder', x);
        return x;
      }) }],
    };
    const text = serializePlan(graph).replace('"label":"placeholder"', `"label":${JSON.stringify(label)}`);
    const loaded = deserializePlan(text);
    const expr = (loaded.stages[0] as { expr: ExprGraph }).expr;
    expect(expr.nodes[1].attrs.label).toBe(label);
    const lines: string[] = [];
    const prev = setPrintSink((line) => lines.push(line));
    try {
      prepareGraph(expr).run([tensor([1, 2])]);
    } finally {
      setPrintSink(prev);
    }
    expect(lines).toEqual([`${label} Tensor(float32, [2], [1,2])`]);
  });

  it('never calls eval or the Function constructor while loading', () => {
    const evalSpy = jest.spyOn(globalThis, 'eval');
    const fnSpy = jest.spyOn(globalThis, 'Function');
    try {
      deserializePlan(TEXT);
      loadError(tampered((d) => { node(d, 2).op = "x');globalThis.__pwned=1;('"; }));
      expect(evalSpy).not.toHaveBeenCalled();
      expect(fnSpy).not.toHaveBeenCalled();
    } finally {
      evalSpy.mockRestore();
      fnSpy.mockRestore();
    }
  });
});
