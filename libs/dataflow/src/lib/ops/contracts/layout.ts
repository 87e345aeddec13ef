import { promote } from '../../core/dtype';
import { Dim, formatShape, normalizeAxis } from '../../core/shape';
import { argError, registerContract, ValueInfo } from '../contract';
import { attrInt, attrInts, axisOf, dimsEqual, requireDType } from './helpers';

/** transpose(x, perm?): perm defaults to reversing the axes. */
registerContract({
  name: 'transpose',
  inputs: ['x'],
  kind: 'layout',
  infer([x]: readonly ValueInfo[], attrs) {
    const rank = x.shape.length;
    const perm = attrs.perm == null ? Array.from({ length: rank }, (_, i) => rank - 1 - i) : attrInts('transpose', 'perm', attrs.perm);
    const sorted = [...perm].map((p) => normalizeAxis(p, rank)).sort((a, b) => (a ?? -1) - (b ?? -1));
    if (perm.length !== rank || sorted.some((p, i) => p !== i)) {
      throw argError('transpose', 'perm', `is ${JSON.stringify(perm)}; expected a permutation of 0..${rank - 1}`);
    }
    const norm = perm.map((p) => normalizeAxis(p, rank) as number);
    return { dtype: x.dtype, shape: norm.map((p) => x.shape[p]), attrs: { perm: norm } };
  },
});

/** reshape(x, shape): one -1 is inferred. A view: no data moves. */
registerContract({
  name: 'reshape',
  inputs: ['x'],
  kind: 'view',
  infer([x]: readonly ValueInfo[], attrs) {
    const target = attrInts('reshape', 'shape', attrs.shape);
    const free = target.filter((d) => d === -1).length;
    if (free > 1 || target.some((d) => d < -1)) {
      throw argError('reshape', 'shape', `is ${JSON.stringify(target)}; dimensions must be >= 0, with at most one -1`);
    }
    const known = x.shape.every((d) => d !== null);
    const size = known ? (x.shape as number[]).reduce((a, b) => a * b, 1) : null;
    const fixed = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    let shape: Dim[] = target;
    if (free === 1) {
      if (size === null) shape = target.map((d) => (d === -1 ? null : d));
      else {
        if (fixed === 0 || size % fixed !== 0) {
          throw argError('reshape', 'shape', `is ${JSON.stringify(target)}; cannot reshape ${size} elements (x has shape ${formatShape(x.shape)})`);
        }
        shape = target.map((d) => (d === -1 ? size / fixed : d));
      }
    } else if (size !== null && size !== fixed) {
      throw argError('reshape', 'shape', `is ${JSON.stringify(target)} (${fixed} elements); x has shape ${formatShape(x.shape)} (${size} elements)`);
    }
    return { dtype: x.dtype, shape };
  },
});

/** expandDims(x, axis): inserts a size-1 axis; axis may be -rank-1..rank. A view. */
registerContract({
  name: 'expandDims',
  inputs: ['x'],
  kind: 'view',
  infer([x]: readonly ValueInfo[], attrs) {
    const rank = x.shape.length;
    const n = normalizeAxis(attrInt('expandDims', 'axis', attrs.axis), rank + 1);
    if (n === null) throw argError('expandDims', 'axis', `is ${attrs.axis}; expected an axis in [${-rank - 1}, ${rank}] for a rank-${rank} tensor`);
    const axis = n;
    const shape = [...x.shape];
    shape.splice(axis, 0, 1);
    return { dtype: x.dtype, shape, attrs: { axis } };
  },
});

/** squeeze(x, axis?): removes size-1 axes (all of them, or the ones named). A view. */
registerContract({
  name: 'squeeze',
  inputs: ['x'],
  kind: 'view',
  infer([x]: readonly ValueInfo[], attrs) {
    const rank = x.shape.length;
    let axes: number[];
    if (attrs.axis == null && x.shape.includes(null)) {
      // Which axes have size 1 is only known when the graph runs, and with it the result's rank.
      throw argError('squeeze', 'axis', `is omitted, but x has unknown dimensions ${formatShape(x.shape)}; name the axes to squeeze`);
    }
    if (attrs.axis == null) axes = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
    else {
      const list = typeof attrs.axis === 'number' ? [attrs.axis] : attrInts('squeeze', 'axis', attrs.axis);
      axes = list.map((a) => axisOf('squeeze', 'axis', a, rank));
      for (const a of axes) {
        if (x.shape[a] !== 1 && x.shape[a] !== null) {
          throw argError('squeeze', 'axis', `names axis ${a}, which has size ${x.shape[a]}; only size-1 axes can be squeezed`);
        }
      }
    }
    return { dtype: x.dtype, shape: x.shape.filter((_, i) => !axes.includes(i)), attrs: { axis: axes } };
  },
});

function joinInfer(op: 'concat' | 'stack', xs: readonly ValueInfo[], rawAxis: unknown): { dtype: ValueInfo['dtype']; first: readonly Dim[] } {
  if (xs.length === 0) throw argError(op, 'xs', 'is empty; expected at least one tensor');
  const first = xs[0].shape;
  let dtype = xs[0].dtype;
  xs.forEach((x, i) => {
    dtype = promote(dtype, x.dtype);
    const rankOk = x.shape.length === first.length;
    const dimsOk = rankOk && x.shape.every((d, j) => (op === 'concat' && j === rawAxis) || dimsEqual(d, first[j]));
    if (!dimsOk) {
      throw argError(op, `xs[${i}]`, `has shape ${formatShape(x.shape)}; expected ${op === 'concat' ? 'the same shape as xs[0] except along the axis' : 'the same shape as xs[0]'}, ${formatShape(first)}`);
    }
  });
  return { dtype, first };
}

/** concat(xs, axis): joins along an existing axis. */
registerContract({
  name: 'concat',
  inputs: ['xs'],
  variadic: true,
  kind: 'layout',
  infer(xs: readonly ValueInfo[], attrs) {
    if (xs.length === 0) throw argError('concat', 'xs', 'is empty; expected at least one tensor');
    if (xs[0].shape.length === 0) throw argError('concat', 'xs[0]', 'is a scalar; concat needs rank 1 or more (use stack)');
    const axis = axisOf('concat', 'axis', attrs.axis, xs[0].shape.length);
    const { dtype, first } = joinInfer('concat', xs, axis);
    const total = xs.reduce<Dim>((acc, x) => (acc === null || x.shape[axis] === null ? null : acc + (x.shape[axis] as number)), 0);
    const shape = [...first];
    shape[axis] = total;
    return { dtype, shape, attrs: { axis } };
  },
});

/** stack(xs, axis): joins along a new axis. */
registerContract({
  name: 'stack',
  inputs: ['xs'],
  variadic: true,
  kind: 'layout',
  infer(xs: readonly ValueInfo[], attrs) {
    if (xs.length === 0) throw argError('stack', 'xs', 'is empty; expected at least one tensor');
    const axis = axisOf('stack', 'axis', attrs.axis, xs[0].shape.length + 1);
    const { dtype, first } = joinInfer('stack', xs, axis);
    const shape = [...first];
    shape.splice(axis, 0, xs.length);
    return { dtype, shape, attrs: { axis } };
  },
});

/** slice(x, begin, size): size -1 means to the end of that axis. */
registerContract({
  name: 'slice',
  inputs: ['x'],
  kind: 'layout',
  infer([x]: readonly ValueInfo[], attrs) {
    const rank = x.shape.length;
    const begin = attrInts('slice', 'begin', attrs.begin);
    const size = attrInts('slice', 'size', attrs.size);
    if (begin.length !== rank) throw argError('slice', 'begin', `has length ${begin.length}; expected ${rank} (the rank of x, shape ${formatShape(x.shape)})`);
    if (size.length !== rank) throw argError('slice', 'size', `has length ${size.length}; expected ${rank} (the rank of x, shape ${formatShape(x.shape)})`);
    const shape: Dim[] = x.shape.map((d, i) => {
      const b = begin[i];
      const s = size[i];
      if (b < 0 || (d !== null && b > d)) throw argError('slice', 'begin', `is ${JSON.stringify(begin)}; begin[${i}] is outside [0, ${d}]`);
      if (s < -1) throw argError('slice', 'size', `is ${JSON.stringify(size)}; sizes must be >= 0 or -1`);
      if (s === -1) return d === null ? null : d - b;
      if (d !== null && b + s > d) throw argError('slice', 'size', `is ${JSON.stringify(size)}; begin[${i}] + size[${i}] = ${b + s} exceeds dimension ${i} of x (${d})`);
      return s;
    });
    return { dtype: x.dtype, shape, attrs: { begin, size } };
  },
});

/**
 * gather(x, indices, axis): picks entries of `x` along `axis`; the result's shape is
 * x.shape[:axis] + indices.shape + x.shape[axis+1:]. An index out of range is an error when it runs.
 */
registerContract({
  name: 'gather',
  inputs: ['x', 'indices'],
  kind: 'layout',
  promote: [0],
  infer([x, indices]: readonly ValueInfo[], attrs) {
    requireDType('gather', 'indices', indices, ['int32', 'uint8']);
    if (x.shape.length === 0) throw argError('gather', 'x', 'is a scalar; expected rank 1 or more');
    const axis = axisOf('gather', 'axis', attrs.axis ?? 0, x.shape.length);
    const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    return { dtype: x.dtype, shape, attrs: { axis } };
  },
});
