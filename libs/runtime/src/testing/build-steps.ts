import { BINARY_OPS, DTYPES, isTensor, UNARY_OPS } from '@weir/dataflow';
import type { DType, Tensor } from '@weir/dataflow';
import { broadcastPartner, factorize, intIn, matmulPartner, permutation, randomAxes } from './choices';
import { COND, ProgramArg } from './op-program';
import type { ProgramBuilder, Val } from './program-builder';

/**
 * One builder step per kind of op: each picks operands among the program's values (most recent first, so
 * steps tend to chain), makes any partner it needs (a broadcastable or matmul-compatible operand: a new input,
 * a creation op or a literal), and hands the node to `apply`, which keeps it only if it runs.
 * `c(i)` is the step's i-th choice; `rnd` draws secondary choices (axes, permutations) from them.
 */
export const KINDS = [
  'unary', 'unary', 'binary', 'binary', 'scalar', 'where', 'cast', 'reduce', 'reduce', 'argReduce', 'matmul', 'matmul',
  'transpose', 'reshape', 'expandSqueeze', 'concat', 'stack', 'slice', 'softmax', 'gather', 'cond',
] as const;
export type Kind = (typeof KINDS)[number];

type Choose = (i: number) => number;
type StepFn = (b: ProgramBuilder, c: Choose, rnd: () => number) => void;

const NUMERIC: readonly DType[] = ['float32', 'float64', 'int32', 'uint8'];
const SCALARS: readonly number[] = [2, 0.5, -1, 3, 0, 1.5, -0.25, 255, 7, -3];

const isBool = (v: Val): boolean => v.probes.every((p) => (isTensor(p) ? p.dtype === 'bool' : typeof p === 'boolean'));
const isNumeric = (v: Val): boolean => v.probes.every((p) => (isTensor(p) ? p.dtype !== 'bool' : typeof p === 'number'));
const isFloat = (v: Val): boolean => v.probes.every((p) => (isTensor(p) ? p.dtype === 'float32' || p.dtype === 'float64' : typeof p === 'number'));
const shapeOf = (v: Val): readonly number[] => (isTensor(v.probes[0]) ? (v.probes[0] as Tensor).shape : []);
const rankOf = (v: Val): number => shapeOf(v).length;
const any = (): boolean => true;

export const STEPS: Record<Kind, StepFn> = {
  unary(b, c) {
    const op = UNARY_OPS[c(1) % UNARY_OPS.length];
    const x = b.pick(op === 'logicalNot' ? isBool : isNumeric, c(2));
    if (x !== null) b.apply(op, [x], [], { method: c(3) % 3 === 0 });
  },
  binary(b, c) {
    const op = BINARY_OPS[c(1) % BINARY_OPS.length];
    const need = op === 'logicalAnd' || op === 'logicalOr' ? isBool : any;
    const a = b.pick(need, c(2));
    if (a === null) return;
    const order = (y: Val) => (c(5) % 2 === 0 ? [a, y] : [y, a]);
    if (c(3) % 2 === 0) {
      for (const y of b.rotate(need, c(4))) if (b.apply(op, order(y), [], { method: c(4) % 4 === 0 }) !== null) return;
    }
    const dtype = need === isBool ? 'bool' : DTYPES[c(5) % DTYPES.length];
    b.apply(op, order(b.partner(broadcastPartner(shapeOf(a), c(4)), dtype, c(5))), [], { method: c(4) % 4 === 0 });
  },
  scalar(b, c) {
    const op = BINARY_OPS[c(1) % (BINARY_OPS.length - 2)];
    const x = b.pick(any, c(2));
    const n: ProgramArg = { num: SCALARS[c(3) % SCALARS.length] };
    if (x !== null) b.apply(op, c(4) % 2 === 0 ? [x, n] : [n, x], [], { method: c(4) % 4 === 0 });
  },
  where(b, c) {
    let cond = b.pick(isBool, c(1));
    if (cond === null || c(5) % 3 === 0) {
      const x = b.pick(isNumeric, c(1));
      cond = x === null ? null : b.apply('greater', [x, { num: SCALARS[c(2) % SCALARS.length] }]);
    }
    if (cond === null) return;
    const a = b.pick(any, c(2)) ?? cond;
    const other: Val | ProgramArg = c(3) % 2 === 0 ? { num: SCALARS[c(4) % SCALARS.length] } : b.partner(broadcastPartner(shapeOf(cond), c(4)), DTYPES[c(4) % DTYPES.length], c(3));
    b.apply('where', c(5) % 2 === 0 ? [cond, a, other] : [cond, other, a]);
  },
  cast(b, c) {
    const x = b.pick(any, c(1));
    if (x !== null) b.apply('cast', [x], [DTYPES[c(2) % DTYPES.length]], { method: c(3) % 3 === 0 });
  },
  reduce(b, c, rnd) {
    const op = (['sum', 'mean', 'max', 'min'] as const)[c(1) % 4];
    const x = b.pick(any, c(2));
    if (x === null) return;
    const axis = randomAxes(rankOf(x), c(3), rnd);
    const keepDims = c(4) % 2 === 1;
    b.apply(op, [x], axis === null && !keepDims ? [] : [axis, keepDims], { method: c(5) % 3 === 0 });
  },
  argReduce(b, c, rnd) {
    const x = b.pick(any, c(2));
    if (x === null) return;
    const r = rankOf(x);
    const axis = r === 0 || c(3) % 3 === 0 ? null : intIn(rnd, r) - (c(4) % 2 === 0 ? 0 : r);
    b.apply(c(1) % 2 === 0 ? 'argmax' : 'argmin', [x], axis === null ? [] : [axis], { method: c(5) % 3 === 0 });
  },
  matmul(b, c, rnd) {
    const x = b.pick((v) => isNumeric(v) && rankOf(v) >= 1, c(1));
    if (x === null) return;
    const asA = c(2) % 2 === 0;
    if (c(3) % 3 === 0) {
      const cands = b.rotate((v) => isNumeric(v) && rankOf(v) >= 1, c(4));
      for (const y of cands) if (b.apply('matmul', asA ? [x, y] : [y, x], [], { method: c(5) % 4 === 0 }) !== null) return;
    }
    const y = b.partner(matmulPartner(shapeOf(x), asA, c(4), rnd), NUMERIC[c(5) % NUMERIC.length], c(5));
    b.apply('matmul', asA ? [x, y] : [y, x], [], { method: c(5) % 4 === 0 });
  },
  transpose(b, c, rnd) {
    const x = b.pick(any, c(1));
    if (x === null) return;
    const perm = c(2) % 4 === 0 ? null : permutation(rankOf(x), rnd);
    b.apply('transpose', [x], perm === null ? [] : [perm], { method: c(3) % 3 === 0 });
  },
  reshape(b, c, rnd) {
    const x = b.pick(any, c(1));
    if (x === null) return;
    const size = shapeOf(x).reduce((p, d) => p * d, 1);
    const target = factorize(size, 1 + (c(2) % 4), rnd);
    if (c(3) % 3 === 0 && target.length > 0 && size > 0) target[intIn(rnd, target.length)] = -1;
    b.apply('reshape', [x], [target], { method: c(4) % 3 === 0 });
  },
  expandSqueeze(b, c, rnd) {
    const x = b.pick(any, c(1));
    if (x === null) return;
    const shape = shapeOf(x);
    if (c(2) % 2 === 0) {
      const r = shape.length;
      b.apply('expandDims', [x], [intIn(rnd, 2 * r + 2) - (r + 1)], { method: c(3) % 3 === 0 });
      return;
    }
    const ones1 = shape.flatMap((d, i) => (d === 1 ? [i] : []));
    const axes = ones1.filter(() => rnd() < 0.6);
    b.apply('squeeze', [x], c(3) % 2 === 0 || axes.length === 0 ? [] : [axes.length === 1 ? axes[0] : axes], { method: c(4) % 3 === 0 });
  },
  concat(b, c, rnd) {
    const x = b.pick((v) => rankOf(v) >= 1, c(1));
    if (x === null) return;
    const shape = shapeOf(x);
    const axis = intIn(rnd, shape.length);
    const part = (sel: number): Val => {
      if (sel % 4 === 0) return x;
      const s = [...shape];
      s[axis] = sel % 5 === 1 ? 0 : 1 + (sel % 3);
      return b.partner(s, DTYPES[(sel >> 2) % DTYPES.length], sel);
    };
    const xs = [x, part(c(2))];
    if (c(3) % 3 === 0) xs.push(part(c(4)));
    if (c(5) % 2 === 1) xs.reverse();
    b.apply('concat', xs, [c(5) % 3 === 0 ? axis - shape.length : axis], { list: true });
  },
  stack(b, c, rnd) {
    const x = b.pick(any, c(1));
    if (x === null || !x.probes.every(isTensor)) return;
    const shape = shapeOf(x);
    const xs = [x, c(2) % 3 === 0 ? x : b.partner(shape, DTYPES[c(3) % DTYPES.length], c(2))];
    if (c(4) % 2 === 1) xs.reverse();
    b.apply('stack', xs, [intIn(rnd, 2 * shape.length + 2) - (shape.length + 1)], { list: true });
  },
  slice(b, c, rnd) {
    const x = b.pick(any, c(1));
    if (x === null) return;
    const shape = shapeOf(x);
    const begin = shape.map((d) => intIn(rnd, d + 1));
    const size = shape.map((d, i) => (rnd() < 0.3 ? -1 : intIn(rnd, d - begin[i] + 1)));
    b.apply('slice', [x], [begin, size], { method: c(2) % 3 === 0 });
  },
  softmax(b, c, rnd) {
    const x = b.pick(isFloat, c(1));
    if (x === null) return;
    const r = rankOf(x);
    const op = c(2) % 2 === 0 ? 'softmax' : 'logSoftmax';
    b.apply(op, [x], r === 0 || c(3) % 3 === 0 ? [] : [intIn(rnd, 2 * r) - r], { method: c(4) % 3 === 0 });
  },
  gather(b, c, rnd) {
    const x = b.pick((v) => rankOf(v) >= 1, c(1));
    if (x === null) return;
    const shape = shapeOf(x);
    const axis = intIn(rnd, shape.length);
    const d = shape[axis];
    if (d === 0) return;
    let idx: Val | ProgramArg | null;
    if (c(2) % 2 === 0) {
      const ishape = [1, 2, 3].slice(0, c(3) % 3).map(() => 1 + intIn(rnd, 3));
      idx = { tensor: { dtype: 'int32', shape: ishape, values: ishape.reduce((p, k) => p * k, 1) > 0 ? Array.from({ length: ishape.reduce((p, k) => p * k, 1) }, () => intIn(rnd, d)) : [] } };
    } else {
      // Indices computed from data, kept in range by mod: exercises gather with batched indices.
      const v = b.pick(any, c(3));
      const asInt = v === null ? null : b.apply('cast', [v], ['int32']);
      idx = asInt === null ? null : b.apply('mod', [asInt, { num: d }]);
    }
    if (idx !== null) b.apply('gather', [x, idx], [c(4) % 2 === 0 ? axis : axis - shape.length], { method: c(5) % 3 === 0 });
  },
  cond(b, c) {
    // ops.cond with a scalar bool predicate; both branches have one dtype and shape, so eager (one branch runs)
    // and traced (both run, then where) agree.
    let pred = b.pick(isBool, c(1));
    if (pred === null) {
      const x = b.pick(isNumeric, c(1));
      pred = x === null ? null : b.apply('greater', [x, { num: SCALARS[c(2) % SCALARS.length] }]);
    }
    if (pred !== null && rankOf(pred) > 0) pred = b.apply(c(2) % 2 === 0 ? 'max' : 'min', [pred]);
    const a = b.pick((v) => v.probes.every(isTensor), c(3));
    if (pred === null || a === null) return;
    const t = a.probes[0] as Tensor;
    const same = (v: Val) => v.probes.every((p) => isTensor(p) && p.dtype === t.dtype && p.shape.join() === t.shape.join());
    const other = c(4) % 3 === 0 ? b.partner(t.shape, t.dtype, c(5)) : b.pick(same, c(4)) ?? a;
    b.apply(COND, c(5) % 2 === 0 ? [pred, a, other] : [pred, other, a]);
  },
};
