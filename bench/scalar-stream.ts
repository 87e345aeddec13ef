/**
 * A scalar stream: map(x*2+1) -> filter(y mod 3 != 0) -> reduce(sum) over 10 million numbers (1 million in
 * quick mode). Every implementation reads the same JS array of numbers, built once before timing.
 *
 * Weir is imported lazily (./weir/scalar-stream.ts) by the cases that run it, so the other cases never load it.
 */
import { filter as mostFilter, map as mostMap, newStream, runEffects, tap as mostTap } from '@most/core';
import { asap, newDefaultScheduler } from '@most/scheduler';
import type { Stream } from '@most/types';
import { filter as rxFilter, from as rxFrom, map as rxMap, reduce as rxReduce } from 'rxjs';
import { compareExact } from './compare';
import type { BenchOptions, Case, Group } from './harness';

/** Rows per record batch for Weir graph mode (Weir's default is 8192). */
export const SCALAR_BATCH_SIZE = 8192;
const EAGER_FRACTION = 10;

function handSum(data: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) {
    const y = data[i] * 2 + 1;
    if (y % 3 !== 0) s += y;
  }
  return s;
}

/** The same over a Float64Array: double arithmetic throughout (the array above holds small integers). */
function handSumF64(data: Float64Array): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) {
    const y = data[i] * 2 + 1;
    if (y % 3 !== 0) s += y;
  }
  return s;
}

/** @most/core has no array source in the core package; this one emits the array from one scheduled task. */
function mostFromArray<A>(arr: readonly A[]): Stream<A> {
  return newStream<A>((sink, scheduler) =>
    asap(
      {
        run(t) {
          for (let i = 0; i < arr.length; i++) sink.event(t, arr[i]);
          sink.end(t);
        },
        error(t, e) {
          sink.error(t, e);
        },
        dispose() {
          // nothing held
        },
      },
      scheduler,
    ),
  );
}

export function scalarStreamGroup(opts: BenchOptions): Group {
  const n = opts.quick ? 1_000_000 : 10_000_000;
  const subset = n / EAGER_FRACTION;
  let cached: number[] | null = null;
  // Built in each case's setup, outside timing: 0, 1, ..., n-1 as a packed array of small integers.
  const data = (): number[] => (cached ??= Array.from({ length: n }, (_, i) => i));
  const graphCase = (name: string, label: string, passes?: Readonly<Record<string, boolean>>): Case => ({
    name,
    label,
    ...(passes ? { relativeTo: 'weir-graph' } : {}),
    note: `batchSize ${SCALAR_BATCH_SIZE}`,
    async make() {
      return (await import('./weir/scalar-stream')).graphRunner(data(), SCALAR_BATCH_SIZE, passes);
    },
  });
  return {
    name: 'scalar-stream',
    title: 'Scalar stream: map(x*2+1) -> filter(y mod 3 != 0) -> reduce(sum)',
    workload:
      `${n.toLocaleString('en-US')} numbers 0..${n - 1}, held in one plain JS array built before timing; every implementation ` +
      `iterates that array (Weir: \`from(array)\`; RxJS: \`from(array)\`; @most/core: a source emitting the array from one scheduled task; ` +
      `the hand loop: an indexed for loop). The sum is exact (integers < 2^53) and must be equal everywhere. ` +
      `Weir runs one Transform, \`pipeline(map(x => ops.add(ops.mul(x, 2), 1)), filter(y => ops.notEqual(ops.mod(y, 3), 0)), ` +
      `reduce((a, y) => ops.add(a, y), 0))\`, compiled (\`compile(from(array).pipe(t), { batchSize: ${SCALAR_BATCH_SIZE} }).collect()\`) and eagerly ` +
      `(\`eagerCollect\`, on the first 1/${EAGER_FRACTION} of the input, time x${EAGER_FRACTION}). RxJS and @most/core use plain JS arithmetic.`,
    items: n,
    unit: 'elements',
    baseline: 'hand',
    notes: [
      'The input is a plain JS array because that is what most JS code has at hand; the two Float64Array cases show what a columnar source changes (no targets on them).',
      `Reference figures seen on this kind of machine (shared/ENVIRONMENT.md): hand loop ~270 M elements/s, most.js ~170 M/s, RxJS 7 ~46 M/s.`,
      `@most/core's sum is a tap into a running total (the core package has no reduce); RxJS uses its reduce operator.`,
    ],
    cases: [
      graphCase('weir-graph', 'Weir graph'),
      ...opts.passSets.map((ps) => graphCase(`weir-graph-no-${ps.id}`, `Weir graph, ${ps.label}`, ps.passes)),
      {
        name: 'weir-eager',
        label: `Weir eager (1/${EAGER_FRACTION} of input, scaled)`,
        scale: EAGER_FRACTION,
        answerKey: 'subset',
        note: `measured on ${subset.toLocaleString('en-US')} elements, time x${EAGER_FRACTION}`,
        async make() {
          return (await import('./weir/scalar-stream')).eagerRunner(data().slice(0, subset));
        },
      },
      {
        name: 'rxjs',
        label: 'RxJS 7',
        make() {
          const d = data();
          return () => {
            let out: number = Number.NaN;
            rxFrom(d)
              .pipe(rxMap((x) => x * 2 + 1), rxFilter((y) => y % 3 !== 0), rxReduce((a, y) => a + y, 0))
              .subscribe((v) => (out = v));
            return out;
          };
        },
      },
      {
        name: 'most',
        label: '@most/core',
        make() {
          const d = data();
          return async () => {
            let s = 0;
            const stream = mostTap((y: number) => {
              s += y;
            }, mostFilter((y: number) => y % 3 !== 0, mostMap((x: number) => x * 2 + 1, mostFromArray(d))));
            await runEffects(stream, newDefaultScheduler());
            return s;
          };
        },
      },
      {
        name: 'hand',
        label: 'hand-written loop',
        reference: true,
        make() {
          const d = data();
          return () => handSum(d);
        },
      },
      {
        name: 'weir-graph-f64',
        label: 'Weir graph, Float64Array source',
        note: 'extra information: a typed-array source becomes columns without a copy',
        relativeTo: 'weir-graph',
        async make() {
          return (await import('./weir/scalar-stream')).graphRunner(Float64Array.from(data()), SCALAR_BATCH_SIZE);
        },
      },
      {
        name: 'hand-f64',
        label: 'hand-written loop, Float64Array source',
        note: 'extra information',
        relativeTo: 'hand',
        make() {
          const d = Float64Array.from(data());
          return () => handSumF64(d);
        },
      },
      {
        name: 'hand-subset',
        label: `hand-written loop (1/${EAGER_FRACTION} of input)`,
        answerKey: 'subset',
        checkOnly: true,
        reference: true,
        make() {
          const d = data().slice(0, subset);
          return () => handSum(d);
        },
      },
    ],
    targets: [
      { subject: 'weir-graph', baseline: 'rxjs', atLeast: 4, text: 'graph >= 4x faster than RxJS', source: 'issue 4' },
      { subject: 'weir-graph', baseline: 'most', atLeast: 1, text: 'graph faster than @most/core', source: 'issue 4' },
      { subject: 'weir-graph', baseline: 'hand', atLeast: 1 / 1.5, text: 'graph within 1.5x of the hand-written loop', source: 'issue 4' },
    ],
    compare: compareExact,
  };
}
