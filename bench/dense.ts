/**
 * Tensor records: 100,000 records (20,000 in quick mode), each with a 256-wide float32 feature vector,
 * through relu(x·W + b) with W 256x64, then a sum: per record, then the total.
 *
 * Weir is imported lazily (./weir/dense.ts) by the cases that run it, so the other cases never load it.
 */
import { compareClose } from './compare';
import type { BenchOptions, Case, Group } from './harness';
import { uniformF32 } from './random';
import { loadTf } from './tfjs';
import type { DenseInputs } from './weir/dense';

const D = 256;
const H = 64;
export const DENSE_BATCH_SIZE = 8192;
const EAGER_FRACTION = 10;
/** Float32 products and sums in different orders: agreement to 1e-4 relative is what float32 allows here. */
const RTOL = 1e-4;

type Inputs = DenseInputs;

/** The hand-written loop: per record, h = b + x·W (i-k-j, float32 storage, double accumulation), relu, sum. */
function handTotal(inp: Inputs, count: number): number {
  const { x, w, b } = inp;
  const h = new Float64Array(H);
  let total = 0;
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < H; j++) h[j] = 0;
    const off = r * D;
    for (let k = 0; k < D; k++) {
      const xk = x[off + k];
      const row = k * H;
      for (let j = 0; j < H; j++) h[j] += xk * w[row + j];
    }
    let s = 0;
    for (let j = 0; j < H; j++) {
      const v = Math.fround(Math.fround(h[j]) + b[j]);
      if (v > 0) s += v;
    }
    total += s;
  }
  return total;
}

export function denseGroup(opts: BenchOptions): Group {
  const n = opts.quick ? 20_000 : 100_000;
  const subset = n / EAGER_FRACTION;
  let cached: Inputs | null = null;
  // Seeded inputs, built in each case's setup (outside timing): x in [-1, 1), W in [-1/16, 1/16), b in [-0.1, 0.1).
  const inputs = (): Inputs =>
    (cached ??= { x: uniformF32(n * D, -1, 1, 1), w: uniformF32(D * H, -1 / 16, 1 / 16, 2), b: uniformF32(H, -0.1, 0.1, 3), d: D, h: H });
  const graphCase = (name: string, label: string, passes?: Readonly<Record<string, boolean>>): Case => ({
    name,
    label,
    ...(passes ? { relativeTo: 'weir-graph' } : {}),
    note: `batchSize ${DENSE_BATCH_SIZE}`,
    async make() {
      return (await import('./weir/dense')).graphRunner(inputs(), n, DENSE_BATCH_SIZE, passes);
    },
  });
  return {
    name: 'dense',
    title: 'Tensor records: relu(x·W + b), W 256x64, then a sum',
    workload:
      `${n.toLocaleString('en-US')} records \`{ x: Tensor(float32, [256]) }\` (views into one seeded Float32Array, built before timing). ` +
      `Per record: \`ops.sum(ops.relu(ops.add(ops.matmul(r.x, W), b)))\`; then \`reduce((a, y) => ops.add(a, y), tensor(0, 'float64'))\` for the total. ` +
      `Weir graph compiles that pipeline (batchSize ${DENSE_BATCH_SIZE}); Weir eager runs it with \`eagerCollect\` on the first 1/${EAGER_FRACTION} ` +
      `of the records (time x${EAGER_FRACTION}); tfjs per record wraps each record's Float32Array in a [1, 256] tensor inside \`tf.tidy\` and reads the ` +
      `record's sum with \`dataSync()\`, adding the totals in JS. Totals must agree within ${RTOL} relative.`,
    items: n,
    unit: 'records',
    baseline: 'hand',
    notes: [
      `tfjs batched (extra information, no target): the same math on [${DENSE_BATCH_SIZE}, 256] slices of the buffer, one tidy per batch.`,
      'hand-written loop: per record, i-k-j over W with double accumulation, float32 rounding as the other implementations store it.',
    ],
    cases: [
      graphCase('weir-graph', 'Weir graph'),
      ...opts.passSets.map((ps) => graphCase(`weir-graph-no-${ps.id}`, `Weir graph, ${ps.label}`, ps.passes)),
      {
        name: 'weir-eager',
        label: `Weir eager (1/${EAGER_FRACTION} of records, scaled)`,
        scale: EAGER_FRACTION,
        answerKey: 'subset',
        note: `measured on ${subset.toLocaleString('en-US')} records, time x${EAGER_FRACTION}`,
        async make() {
          return (await import('./weir/dense')).eagerRunner(inputs(), subset);
        },
      },
      {
        name: 'tfjs',
        label: '@tensorflow/tfjs (cpu), per record',
        async make(info) {
          const tf = await loadTf();
          const inp = inputs();
          const W = tf.tensor2d(inp.w, [D, H]);
          const b = tf.tensor1d(inp.b);
          const perRecord = (i: number): number =>
            tf.tidy(() => tf.relu(tf.add(tf.matMul(tf.tensor2d(inp.x.subarray(i * D, (i + 1) * D), [1, D]), W), b)).sum().dataSync()[0]);
          const before = tf.memory().numTensors;
          perRecord(0);
          if (tf.memory().numTensors !== before) info(`leaks ${tf.memory().numTensors - before} tensors per record`);
          return () => {
            let total = 0;
            for (let i = 0; i < n; i++) total += perRecord(i);
            return total;
          };
        },
      },
      {
        name: 'tfjs-batched',
        label: `@tensorflow/tfjs (cpu), batches of ${DENSE_BATCH_SIZE}`,
        note: 'extra information',
        async make() {
          const tf = await loadTf();
          const inp = inputs();
          const W = tf.tensor2d(inp.w, [D, H]);
          const b = tf.tensor1d(inp.b);
          return () => {
            let total = 0;
            for (let s = 0; s < n; s += DENSE_BATCH_SIZE) {
              const rows = Math.min(DENSE_BATCH_SIZE, n - s);
              const sums = tf.tidy(() => tf.relu(tf.add(tf.matMul(tf.tensor2d(inp.x.subarray(s * D, (s + rows) * D), [rows, D]), W), b)).sum(1).dataSync());
              for (let i = 0; i < rows; i++) total += sums[i];
            }
            return total;
          };
        },
      },
      {
        name: 'hand',
        label: 'hand-written loop (typed arrays)',
        reference: true,
        make() {
          const inp = inputs();
          return () => handTotal(inp, n);
        },
      },
      {
        name: 'hand-subset',
        label: `hand-written loop (1/${EAGER_FRACTION} of records)`,
        answerKey: 'subset',
        checkOnly: true,
        reference: true,
        make() {
          const inp = inputs();
          return () => handTotal(inp, subset);
        },
      },
    ],
    targets: [
      { subject: 'weir-graph', baseline: 'weir-eager', atLeast: 20, text: 'graph >= 20x faster than Weir eager', source: 'issue 4' },
      { subject: 'weir-graph', baseline: 'tfjs', atLeast: 1, text: 'graph faster than @tensorflow/tfjs per record', source: 'issue 4' },
    ],
    compare: compareClose(RTOL),
  };
}
