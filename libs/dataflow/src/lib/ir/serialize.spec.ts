import { tableFromIPC, Type } from 'apache-arrow';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ops, Tensor, tensor } from '../../index';
import { traceGraph } from '../trace/trace';
import type { ExprGraph, InputSpec } from './expr';
import { INLINE_CONSTANT_LIMIT, loadPlanFile, savePlanFile, serializePlan, UnsaveablePlanError } from './serialize';
import type { StreamGraph } from './stream';
import { deserializePlan, PlanFormatError } from './validate';

const trace = (inputs: InputSpec[], f: (...xs: any[]) => unknown): ExprGraph => traceGraph(inputs, (v) => v, f);

function bytesOf(a: ArrayBufferView): number[] {
  return Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/** A 256x64 float32 weight with every kind of float in it, NaN with a payload included. */
function bigWeight(): Tensor {
  const data = new Float32Array(256 * 64).map((_, i) => Math.sin(i) * 1e3);
  data[0] = NaN;
  data[1] = Infinity;
  data[2] = -Infinity;
  data[3] = -0;
  data[4] = 3.4028234663852886e38;
  data[5] = 1.401298464324817e-45;
  new Uint32Array(data.buffer)[6] = 0x7fc01234; // NaN with a payload
  return tensor(data, 'float32', [256, 64]);
}

function roundTrip(g: StreamGraph): StreamGraph {
  return deserializePlan(serializePlan(g));
}

function docOf(text: string): any {
  return JSON.parse(text);
}

describe('serializePlan / deserializePlan round trip', () => {
  const f32 = (shape: (number | null)[]): InputSpec => ({ name: 'x', dtype: 'float32', shape });

  it('keeps every kind of stage', () => {
    const map = trace([f32([3])], (x) => ops.mul(x, 2));
    const pred = trace([f32([3])], (x) => ops.greater(ops.sum(x), 0));
    const graph: StreamGraph = {
      input: [{ name: 'x', kind: 'tensor', dtype: 'float32', shape: [3] }, { name: 'id', kind: 'number' }, { name: 's', kind: 'string' }],
      bare: false,
      stages: [
        { kind: 'map', position: 0, expr: map },
        { kind: 'filter', position: 1, expr: pred },
        { kind: 'flatMap', position: 2, expr: trace([f32([3])], (x) => [x, x]) },
        { kind: 'tap', position: 3, expr: trace([f32([3])], (x) => { ops.print('x is', x); return null; }) },
        { kind: 'keyBy', position: 4, expr: trace([f32([3])], (x) => ops.argmax(x)) },
        { kind: 'scan', position: 5, keyed: true, seed: 0, expr: trace([f32([]), f32([3])], (acc, x) => ops.add(acc, ops.sum(x))) },
        { kind: 'reduce', position: 6, keyed: false, seed: { n: 0 }, expr: trace([f32([]), f32([3])], (n) => ({ n: ops.add(n, 1) })) },
        { kind: 'batch', position: 7, size: 16 },
        { kind: 'take', position: 8, count: 100 },
        { kind: 'skip', position: 9, count: 0 },
        { kind: 'countWindow', position: 10, size: 5, slide: 2 },
        { kind: 'timeWindow', position: 11, time: 'ts', size: 1000, slide: 500, allowedLateness: 100 },
      ],
    };
    const back = roundTrip(graph);
    expect(back).toEqual(graph);
    expect(back.stages.map((s) => s.kind)).toEqual(graph.stages.map((s) => s.kind));
    const doc = docOf(serializePlan(graph));
    expect(doc.format).toBe('weir-plan');
    expect(doc.version).toBe(1);
  });

  it('keeps every kind of node and output: weak and opaque inputs, consts, ops, effects, literals', () => {
    const inputs: InputSpec[] = [
      { name: 'x', dtype: 'float32', shape: [2, 3] },
      { name: 'n', dtype: 'float32', shape: [], weak: true },
      { name: 'label', dtype: 'float32', shape: [], opaque: true },
      { name: 'i', dtype: 'int32', shape: [2] },
    ];
    const g = trace(inputs, (x, n, label, i) => {
      const y = ops.add(x, n);                                      // weak input: a cast node
      const z = ops.matmul(y, tensor([[1], [2], [3]]));              // const
      const t = ops.transpose(ops.reshape(z, [1, 2]), [1, 0]);
      const c = ops.concat([t, t], 0);
      const s = ops.stack([c, c], -1);
      const sl = ops.slice(s, [0, 0, 0], [2, 1, -1]);
      const sq = ops.squeeze(ops.expandDims(sl, 0));
      const g2 = ops.gather(x, i, 1);
      const w = ops.where(ops.greater(x, 0), ops.exp(x), ops.neg(x));
      ops.print('debug', w, sq);
      const soft = ops.softmax(ops.cast(w, 'float64'), -1);
      return {
        y: ops.logSoftmax(soft), m: ops.mean(sq), k: ops.max(g2, [0, 1], true), r: ops.relu(ops.sub(ops.sqrt(x), 1)),
        lit: [NaN, -Infinity, -0, 'text', true, null, 7.5], label, same: x, b: ops.logicalNot(ops.logicalAnd(ops.less(x, 1), ops.equal(x, 2))),
      };
    });
    const graph: StreamGraph = { input: [], bare: false, stages: [{ kind: 'map', position: 0, expr: g }] };
    const back = roundTrip(graph);
    expect(back).toEqual(graph);
    const expr = (back.stages[0] as { expr: ExprGraph }).expr;
    const lit = (expr.output as any).fields.find(([k]: [string]) => k === 'lit')[1].items.map((o: any) => o.value);
    expect(Object.is(lit[0], NaN)).toBe(true);
    expect(lit[1]).toBe(-Infinity);
    expect(Object.is(lit[2], -0)).toBe(true);
    expect(expr.nodes.filter((n) => n.op === 'print')).toHaveLength(1);
    expect(expr.effects).toEqual(g.effects);
    expect(expr.nodes.find((n) => n.weak === true)?.op).toBe('input');
    expect(new Set(expr.nodes.map((n) => n.op))).toEqual(new Set(g.nodes.map((n) => n.op)));
  });

  it('writes a 256x64 float32 weight as Arrow IPC and reads it back bit for bit (NaN, ±Infinity, -0 included)', () => {
    const w = bigWeight();
    const g = trace([{ name: 'x', dtype: 'float32', shape: [256] }], (x) => ops.matmul(x, w));
    const text = serializePlan({ input: [], bare: true, stages: [{ kind: 'map', position: 0, expr: g }] });
    const doc = docOf(text);
    const [key] = Object.keys(doc.constants);
    expect(doc.constants[key].encoding).toBe('arrow-ipc');
    expect(doc.constants[key].shape).toEqual([256, 64]);
    const back = deserializePlan(text);
    const t = (back.stages[0] as { expr: ExprGraph }).expr.consts.get(1) as Tensor;
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual([256, 64]);
    expect(bytesOf(t.data)).toEqual(bytesOf(w.data));
    expect(new Uint32Array(t.data.buffer, t.data.byteOffset, 7)[6]).toBe(0x7fc01234);
  });

  it('stores an Arrow constant as the documented one-column stream: flat values of the dtype, shape in metadata', () => {
    const w = bigWeight();
    const g = trace([{ name: 'x', dtype: 'float32', shape: [256] }], (x) => ops.matmul(x, w));
    const doc = docOf(serializePlan({ input: [], bare: true, stages: [{ kind: 'map', position: 0, expr: g }] }));
    const table = tableFromIPC(Buffer.from(doc.constants.k0.data, 'base64'));
    expect(table.schema.fields.map((f) => [f.name, f.type.typeId])).toEqual([['values', Type.Float]]);
    expect(table.numRows).toBe(256 * 64);
    expect(table.schema.metadata.get('weir:shape')).toBe('[256,64]');
    expect(table.getChildAt(0)?.get(100)).toBe(w.data[100]);
  });

  it.each([
    ['float64', () => tensor(new Float64Array(100).map((_, i) => (i === 3 ? NaN : i / 7 - 5)), 'float64', [10, 10])],
    ['int32', () => tensor(new Int32Array(70).map((_, i) => (i % 2 ? -(2 ** 31) : 2 ** 31 - 1 - i)), 'int32', [70])],
    ['uint8', () => tensor(new Uint8Array(65).map((_, i) => i * 3), 'uint8', [5, 13])],
    ['bool', () => tensor(Array.from({ length: 99 }, (_, i) => i % 3 === 0), 'bool', [99])],
    ['a float32 view at an offset into a larger buffer', () => tensor(new Float32Array(300).map((_, i) => i).subarray(17, 17 + 128), 'float32', [128])],
  ])('round-trips a large %s constant through Arrow exactly', (_, make) => {
    const c = make();
    const g = trace([{ name: 'x', dtype: c.dtype, shape: c.shape }], (x) => ops.equal(x, c));
    const text = serializePlan({ input: [], bare: true, stages: [{ kind: 'map', position: 0, expr: g }] });
    expect(docOf(text).constants.k0.encoding).toBe('arrow-ipc');
    const t = (deserializePlan(text).stages[0] as { expr: ExprGraph }).expr.consts.get(1) as Tensor;
    expect(t.dtype).toBe(c.dtype);
    expect(t.shape).toEqual(c.shape);
    expect(bytesOf(t.data)).toEqual(bytesOf(c.data));
  });

  it('writes small constants inline, with non-finite floats and -0 by name and bools as true/false', () => {
    const f = tensor([1.5, NaN, Infinity, -Infinity, -0, 0.1], 'float32');
    const b = tensor([true, false, true]);
    const i = tensor([-(2 ** 31), 2 ** 31 - 1], 'int32');
    const d = tensor([0.1, 1e300], 'float64');
    const g = trace(
      [{ name: 'x', dtype: 'float32', shape: [6] }, { name: 'b', dtype: 'bool', shape: [3] }, { name: 'i', dtype: 'int32', shape: [2] }, { name: 'd', dtype: 'float64', shape: [2] }],
      (x, bx, ix, dx) => [ops.add(x, f), ops.logicalAnd(bx, b), ops.add(ix, i), ops.add(dx, d)],
    );
    const text = serializePlan({ input: [], bare: true, stages: [{ kind: 'map', position: 0, expr: g }] });
    const doc = docOf(text);
    expect(doc.constants.k0).toEqual({ dtype: 'float32', shape: [6], encoding: 'json', values: [1.5, 'NaN', 'Infinity', '-Infinity', '-0', Math.fround(0.1)] });
    expect(doc.constants.k1).toEqual({ dtype: 'bool', shape: [3], encoding: 'json', values: [true, false, true] });
    expect(doc.constants.k2.values).toEqual([-(2 ** 31), 2 ** 31 - 1]);
    expect(doc.constants.k3.values).toEqual([0.1, 1e300]);
    const consts = (deserializePlan(text).stages[0] as { expr: ExprGraph }).expr.consts;
    for (const [id, t] of g.consts) expect(bytesOf((consts.get(id) as Tensor).data)).toEqual(bytesOf(t.data));
  });

  it(`inlines up to ${INLINE_CONSTANT_LIMIT} elements and sends a small NaN with a payload through Arrow to keep its bits`, () => {
    const at = tensor(new Float32Array(INLINE_CONSTANT_LIMIT).fill(2), 'float32', [8, 8]);
    const over = tensor(new Float32Array(INLINE_CONSTANT_LIMIT + 1).fill(2), 'float32', [INLINE_CONSTANT_LIMIT + 1]);
    const payload = new Float32Array([NaN]);
    new Uint32Array(payload.buffer)[0] = 0x7fa00001;
    const odd = tensor(payload, 'float32', [1]);
    const g = trace([{ name: 'x', dtype: 'float32', shape: [] }], (x) => [ops.add(x, at), ops.add(x, over), ops.add(x, odd)]);
    const text = serializePlan({ input: [], bare: true, stages: [{ kind: 'map', position: 0, expr: g }] });
    const doc = docOf(text);
    expect([doc.constants.k0.encoding, doc.constants.k1.encoding, doc.constants.k2.encoding]).toEqual(['json', 'arrow-ipc', 'arrow-ipc']);
    const back = (deserializePlan(text).stages[0] as { expr: ExprGraph }).expr.consts;
    expect(new Uint32Array((back.get(5) as Tensor).data.buffer)[0]).toBe(0x7fa00001);
  });

  it('keeps seeds: JSON values, special numbers, tensors small and large, nested records and arrays, undefined fields', () => {
    const w = bigWeight();
    const small = tensor([1, 2, 3], 'int32');
    const seed = { count: 0, best: -Infinity, worst: NaN, name: 'run', ok: true, none: null, missing: undefined, w, hist: [small, [0.5, { deep: small }]] };
    const expr = trace([{ name: 'acc', dtype: 'float32', shape: [] }], (a) => a);
    const graph: StreamGraph = { input: [], bare: true, stages: [
      { kind: 'scan', position: 0, seed, expr },
      { kind: 'reduce', position: 1, seed: w, expr },
      { kind: 'scan', position: 2, seed: 'text', expr },
    ] };
    const text = serializePlan(graph);
    const back = deserializePlan(text);
    expect(back).toEqual(graph);
    const s0 = (back.stages[0] as { seed: any }).seed;
    expect(Object.is(s0.worst, NaN)).toBe(true);
    expect(Object.hasOwn(s0, 'missing') && s0.missing === undefined).toBe(true);
    expect(s0.w).toBeInstanceOf(Tensor);
    expect(bytesOf(s0.w.data)).toEqual(bytesOf(w.data));
    // The same tensor object is stored once, however many times the plan uses it.
    expect(Object.keys(docOf(text).constants)).toEqual(['k0', 'k1']);
    expect((back.stages[1] as { seed: unknown }).seed).toBe(s0.w);
  });

  it('keeps attrs as written, special numbers included', () => {
    const g: ExprGraph = {
      inputs: [],
      nodes: [
        { id: 0, op: 'fill', inputs: [], attrs: { shape: [2], value: NaN, dtype: 'float32' }, dtype: 'float32', shape: [2] },
        { id: 1, op: 'fill', inputs: [], attrs: { shape: [2], value: -Infinity, dtype: 'float64' }, dtype: 'float64', shape: [2] },
        { id: 2, op: 'sum', inputs: [1], attrs: { axis: [-1], keepDims: true }, dtype: 'float64', shape: [1] },
      ],
      consts: new Map(),
      output: { kind: 'array', items: [{ kind: 'node', id: 0 }, { kind: 'node', id: 2 }] },
      effects: [],
    };
    const graph: StreamGraph = { input: [], bare: true, stages: [{ kind: 'map', position: 0, expr: g }] };
    const text = serializePlan(graph);
    expect(docOf(text).stages[0].expr.nodes[0].attrs.value).toEqual({ number: 'NaN' });
    expect(roundTrip(graph)).toEqual(graph);
    expect((roundTrip(graph).stages[0] as { expr: ExprGraph }).expr.nodes[2].attrs.axis).toEqual([-1]);
  });

  it('is stable: saving a loaded plan gives the same text', () => {
    const w = bigWeight();
    const g = trace([{ name: 'x', dtype: 'float32', shape: [256] }], (x) => ({ y: ops.matmul(x, w), z: ops.mul(x, 0.5) }));
    const text = serializePlan({ input: [], bare: true, stages: [{ kind: 'map', position: 0, expr: g }, { kind: 'batch', position: 1, size: 8 }] }, { createdBy: 'test' });
    expect(serializePlan(deserializePlan(text), { createdBy: 'test' })).toBe(text);
    expect(docOf(text).createdBy).toBe('test');
    // One node a line: a person can read and diff a plan.
    expect(text).toMatch(/\n\s+\{"id":2,"op":"matmul","inputs":\[0,1\],"attrs":\{\},"dtype":"float32","shape":\[64\]\},?\n/);
  });
});

describe('plans that cannot be saved', () => {
  const expr = trace([{ name: 'x', dtype: 'float32', shape: [] }], (x) => x);

  it('a graph break (user code per element) names the stage and why', () => {
    const graph: StreamGraph = { input: [], bare: true, stages: [
      { kind: 'map', position: 0, expr },
      { kind: 'filter', position: 3, expr: null, breakReason: "it branches in JS on a traced value (op 'greater')" },
    ] };
    expect(() => serializePlan(graph)).toThrow(UnsaveablePlanError);
    expect(() => serializePlan(graph)).toThrow(
      "Cannot save the plan: stage filter#3 cannot be saved: it runs user code per element: it branches in JS on a traced value (op 'greater'); " +
        'a saved plan holds no code. Make the callback traceable or keep the pipeline module.',
    );
  });

  it.each(['zip', 'merge'] as const)('a %s stage names the stage and why', (kind) => {
    const graph: StreamGraph = { input: [], bare: true, stages: [{ kind: 'map', position: 0, expr }, { kind, position: 1 }] };
    let err: unknown;
    try {
      serializePlan(graph);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsaveablePlanError);
    expect((err as UnsaveablePlanError).stage).toBe(`${kind}#1`);
    expect((err as Error).message).toContain(`stage ${kind}#1 cannot be saved: ${kind} reads a second flow`);
  });

  it('a traced stage without an expression graph', () => {
    const graph: StreamGraph = { input: [], bare: true, stages: [{ kind: 'keyBy', position: 2, expr: null }] };
    expect(() => serializePlan(graph)).toThrow('stage keyBy#2 cannot be saved: it has no traced expression graph');
  });

  it.each([
    ['a function', () => 1, 'its seed holds a function'],
    ['a Date', new Date(0), 'its seed holds a Date'],
    ['a nested Map', { a: [new Map()] }, 'its seed.a[0] holds a Map'],
    ['a field named __proto__', JSON.parse('{"__proto__": 1}'), "seed has a field named '__proto__'"],
  ])('a seed holding %s', (_, seed, message) => {
    const graph: StreamGraph = { input: [], bare: true, stages: [{ kind: 'scan', position: 4, seed, expr }] };
    expect(() => serializePlan(graph)).toThrow(UnsaveablePlanError);
    expect(() => serializePlan(graph)).toThrow(`stage scan#4 cannot be saved: ${message}`);
  });
});

describe('savePlanFile / loadPlanFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weir-plan-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const graph = (): StreamGraph => ({
    input: [{ name: '', kind: 'tensor', dtype: 'float32', shape: [256] }],
    bare: true,
    stages: [{ kind: 'map', position: 0, expr: trace([{ name: 'x', dtype: 'float32', shape: [256] }], (x) => ops.matmul(x, bigWeight())) }],
  });

  it('saves and loads a plan, leaving no temporary file behind', async () => {
    const g = graph();
    const path = join(dir, 'plan.weir');
    await savePlanFile(path, g, { createdBy: 'spec' });
    expect(await readdir(dir)).toEqual(['plan.weir']);
    const back = await loadPlanFile(path);
    expect(back).toEqual(g);
    expect(JSON.parse(await readFile(path, 'utf8')).createdBy).toBe('spec');
  });

  it('names the file when it is not a valid plan', async () => {
    const path = join(dir, 'bad.weir');
    await writeFile(path, '{"format":"weir-plan","version":2}');
    await expect(loadPlanFile(path)).rejects.toThrow(PlanFormatError);
    await expect(loadPlanFile(path)).rejects.toThrow(`Cannot load Weir plan '${path}': the file was written by a newer Weir (format version 2; this Weir reads 1)`);
  });

  it('passes on a missing file as the file system error', async () => {
    await expect(loadPlanFile(join(dir, 'none.weir'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
