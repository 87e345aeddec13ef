/**
 * Blocked matmul against the unblocked loops it replaces, on float32 inputs. Run:
 *   npx tsx libs/kernels-cpu/src/bench/matmul.bench.ts
 * Prints GFLOP/s per size; the figures back the choice of MATMUL_BLOCK in matmul_impl.ts.
 */
import { gemmImpl } from '../lib/matmul_impl';

type Gemm = (a: Float32Array, b: Float32Array, c: Float64Array, m: number, k: number, n: number) => void;

// The textbook i-j-k loop: walks b down a column, one cache line per multiply-add once b outgrows the cache.
const naiveIjk: Gemm = (a, b, c, m, k, n) => {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  }
};

// i-k-j without tiles: sequential, but a whole row of b per step evicts what the next row of a needs.
const plainIkj: Gemm = (a, b, c, m, k, n) => {
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      for (let j = 0; j < n; j++) c[i * n + j] += aip * b[p * n + j];
    }
  }
};

const blocked: Gemm = (a, b, c, m, k, n) => gemmImpl(a, 0, b, 0, c, 0, m, k, n);

function time(f: Gemm, size: number, reps: number): number {
  const a = Float32Array.from({ length: size * size }, () => Math.random());
  const b = Float32Array.from({ length: size * size }, () => Math.random());
  const c = new Float64Array(size * size);
  f(a, b, c, size, size, size); // warm up
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < reps; r++) {
    c.fill(0);
    f(a, b, c, size, size, size);
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return (2 * size ** 3 * reps) / s / 1e9;
}

for (const size of [64, 256, 512, 1024]) {
  const reps = Math.max(1, Math.round(2e8 / size ** 3));
  const row = [naiveIjk, plainIkj, blocked].map((f) => time(f, size, reps).toFixed(2));
  console.log(`${size}x${size}: naive i-j-k ${row[0]}  plain i-k-j ${row[1]}  blocked ${row[2]} GFLOP/s`);
}
