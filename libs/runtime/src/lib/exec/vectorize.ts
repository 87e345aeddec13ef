import {
  allocate, ExprGraph, formatPrint, getContract, liveNodes, printSink, runOp, sizeOf, Tensor,
} from '@weir/dataflow';
import type { Attrs, ExprNode } from '@weir/dataflow';

/** A value while evaluating a graph over a batch: batched values carry a leading batch dimension. */
export interface BVal {
  readonly t: Tensor;
  readonly batched: boolean;
}

const op = (name: string, args: Tensor[], attrs: Attrs = {}): Tensor => runOp(name, args, attrs) as Tensor;

/**
 * Evaluates a per-element expression graph over a batch of `rows` rows at once (JAX's vmap): each input is
 * a batched tensor [rows, ...shape]; each op runs once per batch through its batching rule, so a map over
 * 10,000 records is a handful of kernel calls, not 10,000 interpreter walks. Ops with no rule run per row
 * (correct, slower). Returns every live node's value; the caller reads the outputs it needs.
 */
export function evalBatched(g: ExprGraph, inputs: readonly (BVal | undefined)[], rows: number): (BVal | undefined)[] {
  const values: (BVal | undefined)[] = new Array(g.nodes.length);
  for (const id of liveNodes(g)) {
    const n = g.nodes[id];
    if (n.op === 'input') values[id] = inputs[n.attrs.index as number];
    else if (n.op === 'const') values[id] = { t: g.consts.get(id) as Tensor, batched: false };
    else {
      const args = n.inputs.map((i) => {
        const v = values[i];
        if (v === undefined) throw new Error(`'${n.op}' (node %${id}) reads input %${i}, which is a string field; string fields can only be passed through`);
        return v;
      });
      const perElement = n.inputs.map((i) => g.nodes[i]);
      if (n.op === 'print') printBatched(n, args, perElement, rows);
      else values[id] = args.some((a) => a.batched) ? batchedOp(n, args, perElement, rows) : { t: op(n.op, args.map((a) => a.t), n.attrs), batched: false };
    }
  }
  return values;
}

function batchedOp(n: ExprNode, args: BVal[], ins: ExprNode[], rows: number): BVal {
  const kind = getContract(n.op).kind;
  const rule = RULES[n.op] ?? KIND_RULES[kind];
  const t = rule !== undefined ? rule(n, args, ins, rows) : perRow(n, args, ins, rows);
  return { t, batched: true };
}

type Rule = (n: ExprNode, args: BVal[], ins: ExprNode[], rows: number) => Tensor;

/** [B, ...s] viewed as [B, 1, ..., 1, ...s] with per-element rank r, so it broadcasts against unbatched args. */
function lift(v: BVal, perElement: readonly number[], r: number, rows: number): Tensor {
  if (!v.batched) return v.t;
  const pad = r - perElement.length;
  return pad <= 0 ? v.t : op('reshape', [v.t], { shape: [rows, ...new Array(pad).fill(1), ...perElement] });
}

/** An unbatched value repeated for every row: [B, ...shape]. */
export function tile(t: Tensor, rows: number): Tensor {
  const data = allocate(t.dtype, rows * t.size);
  for (let i = 0; i < rows; i++) data.set(t.data, i * t.size);
  return new Tensor(t.dtype, [rows, ...t.shape], data);
}

const batchedAll = (args: BVal[], rows: number): Tensor[] => args.map((a) => (a.batched ? a.t : tile(a.t, rows)));
const known = (s: ExprNode['shape']): number[] => s as number[];
const normalized = (n: ExprNode, ins: ExprNode[]): Attrs => getContract(n.op).infer(ins, n.attrs).attrs ?? n.attrs;

const elementwise: Rule = (n, args, ins, rows) => {
  const r = n.shape.length;
  return op(n.op, args.map((a, i) => lift(a, known(ins[i].shape), r, rows)), n.attrs);
};

const KIND_RULES: Partial<Record<string, Rule>> = {
  elementwise,
  view: (n, [x], _ins, rows) => op('reshape', [x.t], { shape: [rows, ...known(n.shape)] }),
  // Reductions (and fused producer+reduction ops, whose extra inputs broadcast against the first): the
  // reduced axes shift by one past the batch dimension; every other attr is kept.
  reduction: (n, args, ins, rows) => {
    const { axes, keepDims } = normalized(n, ins) as { axes: number[]; keepDims: boolean };
    const rank = ins[0].shape.length;
    const [x] = args;
    if ((n.op === 'argmax' || n.op === 'argmin') && n.attrs.axis == null) {
      if (rank === 0) return new Tensor('int32', [rows], new Int32Array(rows));
      return op(n.op, [op('reshape', [x.t], { shape: [rows, -1] })], { axis: 1 });
    }
    if (axes.length === 0 && args.length === 1) return op('reshape', [op('cast', [x.t], { dtype: n.dtype })], { shape: [rows, ...known(n.shape)] });
    const physical = axes.map((a) => a + 1);
    const lifted = args.map((a, i) => lift(a, known(ins[i].shape), rank, rows));
    return op(n.op, lifted, { ...n.attrs, axis: n.op === 'argmax' || n.op === 'argmin' ? physical[0] : physical, keepDims });
  },
  // Per element, matmul treats a 1-D `a` as [1,k] and a 1-D `b` as [k,1] (NumPy). Batched, both operands are
  // made explicitly 2-D or more, and the batched one gets size-1 dims after the batch dimension so its
  // per-element batch dims line up with the other operand's (right-aligned broadcasting).
  matmul: (n, [a, b], ins, rows) => {
    const sa = known(ins[0].shape);
    const sb = known(ins[1].shape);
    const a2 = sa.length === 1 ? [1, sa[0]] : sa;
    const b2 = sb.length === 1 ? [sb[0], 1] : sb;
    // The common x·W (a batched, W a constant matrix): every row's product is one row block of a single
    // [B·m, k]·[k, n] matmul, which the blocked kernel runs far faster than B small products.
    if (a.batched && !b.batched && sb.length === 2) {
      // Explicit row count: -1 cannot be inferred when k is 0.
      const lead = rows * a2.slice(0, -1).reduce((x, y) => x * y, 1);
      const flat = op('reshape', [a.t], { shape: [lead, a2[a2.length - 1]] });
      return op('reshape', [op('matmul', [flat, b.t])], { shape: [rows, ...known(n.shape)] });
    }
    const r = Math.max(a2.length, b2.length);
    const shaped = (v: BVal, s2: number[]): Tensor =>
      v.batched ? op('reshape', [v.t], { shape: [rows, ...new Array(r - s2.length).fill(1), ...s2] }) : op('reshape', [v.t], { shape: s2 });
    return op('reshape', [op('matmul', [shaped(a, a2), shaped(b, b2)])], { shape: [rows, ...known(n.shape)] });
  },
};

/**
 * matmulReduce, per element `fusedReduce(matmul(a, b), ...xs)`. The common x·W case (a batched, W an
 * unbatched matrix, the other inputs unbatched vectors, only the product's last axis reduced) is one call over
 * the whole batch, as the matmul rule does for x·W: the kernel then sums the rows of one [B·m, k]·[k, n]
 * product as it computes it. Anything else takes the matmul rule and then the reduction rule.
 */
const matmulReduceRule: Rule = (n, args, ins, rows) => {
  const [a, b, ...xs] = args;
  const sa = known(ins[0].shape);
  const sb = known(ins[1].shape);
  const product = getContract('matmul').infer([ins[0], ins[1]], {});
  const productNode: ExprNode = { id: n.id, op: 'matmul', inputs: n.inputs.slice(0, 2), attrs: {}, dtype: product.dtype, shape: product.shape };
  const { axes, keepDims } = getContract('fusedReduce').infer([productNode, ...ins.slice(2)], n.attrs).attrs as { axes: number[]; keepDims: boolean };
  const last = product.shape.length - 1;
  if (a.batched && !b.batched && sb.length === 2 && xs.every((x) => !x.batched && x.t.shape.length <= 1) && axes.length === 1 && axes[0] === last) {
    const lead = rows * sa.slice(0, -1).reduce((x, y) => x * y, 1);
    const flat = op('reshape', [a.t], { shape: [lead, sa[sa.length - 1]] });
    const summed = op('matmulReduce', [flat, b.t, ...xs.map((x) => x.t)], { program: n.attrs.program, dtype: n.attrs.dtype, reduce: n.attrs.reduce, axis: [1], keepDims });
    return op('reshape', [summed], { shape: [rows, ...known(n.shape)] });
  }
  const p = (KIND_RULES.matmul as Rule)(productNode, [a, b], ins.slice(0, 2), rows);
  return (KIND_RULES.reduction as Rule)({ ...n, op: 'fusedReduce', inputs: [n.id, ...n.inputs.slice(2)] }, [{ t: p, batched: true }, ...xs], [productNode, ...ins.slice(2)], rows);
};

const RULES: Partial<Record<string, Rule>> = {
  matmulReduce: matmulReduceRule,
  transpose: (n, [x], ins) => {
    const { perm } = normalized(n, ins) as { perm: number[] };
    return op('transpose', [x.t], { perm: [0, ...perm.map((p) => p + 1)] });
  },
  concat: (n, args, ins, rows) => {
    const { axis } = normalized(n, ins) as { axis: number };
    return op('concat', batchedAll(args, rows), { axis: axis + 1 });
  },
  stack: (n, args, ins, rows) => {
    const { axis } = normalized(n, ins) as { axis: number };
    return op('stack', batchedAll(args, rows), { axis: axis + 1 });
  },
  slice: (n, [x], ins, rows) => {
    const { begin, size } = normalized(n, ins) as { begin: number[]; size: number[] };
    return op('slice', [x.t], { begin: [0, ...begin], size: [rows, ...size] });
  },
  softmax: (n, args, ins, rows) => softmaxRule(n, args, ins, rows),
  logSoftmax: (n, args, ins, rows) => softmaxRule(n, args, ins, rows),
  gather: (n, args, ins, rows) => {
    const [x, idx] = args;
    if (x.batched && !idx.batched) return op('gather', [x.t, idx.t], { axis: (normalized(n, ins) as { axis: number }).axis + 1 });
    return perRow(n, args, ins, rows);
  },
};

/** Softmax along the per-element axis; a per-element scalar is its own one-element axis. */
function softmaxRule(n: ExprNode, [x]: BVal[], ins: ExprNode[], rows: number): Tensor {
  if (ins[0].shape.length === 0) return op('reshape', [op(n.op, [op('reshape', [x.t], { shape: [rows, 1] })], { axis: 1 })], { shape: [rows] });
  return op(n.op, [x.t], { axis: (normalized(n, ins) as { axis: number }).axis + 1 });
}

/** The fallback: run the op once per row on views, and stack the results. */
function perRow(n: ExprNode, args: BVal[], ins: ExprNode[], rows: number): Tensor {
  const shape = known(n.shape);
  const size = sizeOf(shape);
  const out = allocate(n.dtype, rows * size);
  for (let i = 0; i < rows; i++) {
    const r = op(n.op, args.map((a, j) => (a.batched ? rowOf(a.t, known(ins[j].shape), i) : a.t)), n.attrs);
    out.set(r.data, i * size);
  }
  return new Tensor(n.dtype, [rows, ...shape], out);
}

export function rowOf(t: Tensor, shape: readonly number[], i: number): Tensor {
  const size = sizeOf(shape);
  return new Tensor(t.dtype, shape, t.data.subarray(i * size, (i + 1) * size));
}

/** ops.print in a batched stage prints once per row, as eager mode does. */
function printBatched(n: ExprNode, args: BVal[], ins: ExprNode[], rows: number): void {
  const sink = printSink();
  const label = String(n.attrs.label);
  if (!args.some((a) => a.batched)) {
    for (let i = 0; i < rows; i++) sink(formatPrint(label, args.map((a) => a.t)));
    return;
  }
  for (let i = 0; i < rows; i++) sink(formatPrint(label, args.map((a, j) => (a.batched ? rowOf(a.t, known(ins[j].shape), i) : a.t))));
}
