/**
 * Feature vectors -> a small dense layer relu(x·W + b) -> a running mean of the activations per group.
 *
 *   apps/cli/bin/weir run examples/dense.ts --input examples/data/features.ndjson --output out/dense.parquet
 *
 * Input (NDJSON, or Arrow/Parquet with a fixed_shape_tensor column): {id, group, x: 8 floats}. Output: per
 * record, its activations y (4 floats) and the running mean of y over its group's records so far. Every stage
 * traces, so `weir compile` saves it as a graph that runs without this file.
 */
import { keyBy, map, ops, pipeline, scan, tensor, type Tensor } from '@weir/dataflow';

export const inputSchema = {
  id: { type: 'number', dtype: 'int32' },
  group: { type: 'number', dtype: 'int32' },
  x: { type: 'tensor', dtype: 'float32', shape: [8] },
};

/** The layer's weights: constants captured by the traced function (saved graphs carry them). */
const W = tensor(
  [
    [0.2, -0.1, 0.4, 0.0],
    [0.5, 0.3, -0.2, 0.1],
    [-0.3, 0.8, 0.1, 0.2],
    [0.1, -0.4, 0.6, -0.5],
    [0.7, 0.2, -0.1, 0.3],
    [-0.2, 0.1, 0.3, 0.9],
    [0.4, -0.6, 0.2, 0.1],
    [0.0, 0.5, -0.3, 0.4],
  ],
  'float32',
);
const b = tensor([0.05, -0.02, 0.1, 0.0], 'float32');

interface Features {
  id: number;
  group: number;
  x: Tensor;
}

interface Activated {
  id: number;
  group: number;
  y: Tensor;
}

/** The scan's state is a flat record of numbers and tensors, so the scan traces (and saves). */
interface RunningMean {
  id: number;
  group: number;
  y: Tensor;
  n: number | Tensor;
  mean: Tensor;
}

export default pipeline(
  // relu(x·W + b): x is one row [8]; as a [1, 8] matrix times W [8, 4] it gives [1, 4], reshaped to [4].
  map((r: Features): Activated => ({
    id: r.id,
    group: r.group,
    y: ops.reshape(ops.relu(ops.add(ops.matmul(ops.reshape(r.x, [1, 8]), W), b)), [4]),
  })),
  keyBy((r: Activated) => r.group),
  // A running mean per group: mean += (y - mean) / n.
  scan(
    (acc: RunningMean, r: Activated): RunningMean => {
      // n in float32, so the running mean stays float32 (a float64 n would widen it, and an accumulator must
      // keep its type from step to step to be traced and saved).
      const n = ops.cast(ops.add(acc.n, 1), 'float32');
      return { id: r.id, group: r.group, y: r.y, n, mean: ops.add(acc.mean, ops.div(ops.sub(r.y, acc.mean), n)) };
    },
    { id: -1, group: -1, y: ops.zeros([4]), n: ops.zeros([]), mean: ops.zeros([4]) } as RunningMean,
  ),
);
