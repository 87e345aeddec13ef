import { offerCallerWork } from '../caller-work';
import { createWasmGemm, WasmGemm } from './gemm_f32';
import { GEMM_TILE } from './gemm_module';
import { PARALLEL_MIN_MACS, threadedGemm } from './gemm_threads';

/**
 * Seeded values in [-1, 1). For A, a NaN and an Infinity are planted (with `special`): two rows check
 * propagation. Not in B or a bias: a NaN there reaches every row sum, and NaN sums compare equal whatever
 * else went wrong.
 */
function values(n: number, seed: number, special = false): Float32Array {
  let s = seed + 1;
  const out = Float32Array.from({ length: n }, () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 31 - 1);
  if (special && n > 100) [out[17], out[n - 3]] = [NaN, Infinity];
  return out;
}

/** Row sums of different rows must differ, or a comparison could pass on a constant. */
const varied = (sums: Float32Array): boolean => new Set(Array.from(sums.subarray(0, 64))).size > 32;

const same = (x: Float32Array, y: Float32Array): string => {
  const i = x.findIndex((v, j) => !Object.is(v, y[j]));
  return i < 0 ? 'identical' : `element ${i}: ${x[i]} vs ${y[i]}`;
};

describe('threadedGemm (big products split by rows across worker threads)', () => {
  const one = createWasmGemm({ threads: 1 }) as WasmGemm;
  const two = createWasmGemm({ threads: 2 }) as WasmGemm;

  it('starts where there are workers to be had, and gives nothing for one thread', () => {
    expect(threadedGemm(one, GEMM_TILE, 1, 1 << 18)).toBeNull();
    expect(threadedGemm(one, GEMM_TILE, 2, 1 << 18)).not.toBeNull(); // this machine has two cores
    expect(two.fusedMultiplyAdd).toBe(one.fusedMultiplyAdd);
  });

  it('gives the bits of one thread for products, row sums and every epilogue, call after call', () => {
    // Row counts that split unevenly (not a multiple of the tile's rows), and more rows than one A block.
    const shapes: [number, number, number][] = [[2053, 130, 40], [4099, 256, 64], [900, 64, 37]];
    for (const [m, k, n] of shapes) {
      expect(m * k * n).toBeGreaterThanOrEqual(PARALLEL_MIN_MACS);
      for (let call = 0; call < 3; call++) {
        const a = values(m * k, call, true);
        const b = values(k * n, 10 + call);
        const bias = values(n, 20 + call);
        const [p1, p2] = [new Float32Array(m * n), new Float32Array(m * n)];
        expect([one.gemm(a, [0], b, [0], p1, m, k, n), two.gemm(a, [0], b, [0], p2, m, k, n)]).toEqual([true, true]);
        expect(`[${m},${k},${n}] product ${same(p2, p1)}`).toBe(`[${m},${k},${n}] product identical`);
        for (const [withBias, relu] of [[true, true], [false, false], [true, false], [false, true]]) {
          const [s1, s2] = [new Float32Array(m), new Float32Array(m)];
          one.rowSums(a, b, withBias ? bias : null, relu, s1, m, k, n);
          two.rowSums(a, b, withBias ? bias : null, relu, s2, m, k, n);
          expect(`[${m},${k},${n}] bias ${withBias} relu ${relu} ${same(s2, s1)}`).toBe(`[${m},${k},${n}] bias ${withBias} relu ${relu} identical`);
          expect(varied(s1)).toBe(true);
        }
      }
    }
  });

  it('splits batched products too (each batch from its own offsets), and leaves small ones to the calling thread', () => {
    const [m, k, n] = [1030, 200, 24];
    const a = values(2 * m * k + 7, 1, true);
    const b = values(2 * k * n + 3, 2);
    const [o1, o2] = [new Float32Array(2 * m * n), new Float32Array(2 * m * n)];
    one.gemm(a, [7, 7 + m * k], b, [3 + k * n, 3], o1, m, k, n);
    two.gemm(a, [7, 7 + m * k], b, [3 + k * n, 3], o2, m, k, n);
    expect(same(o2, o1)).toBe('identical');
    const small = [20, 30, 40];
    const [s1, s2] = [new Float32Array(20 * 40), new Float32Array(20 * 40)];
    one.gemm(values(600, 3), [0], values(1200, 4), [0], s1, small[0], small[1], small[2]);
    two.gemm(values(600, 3), [0], values(1200, 4), [0], s2, small[0], small[1], small[2]);
    expect(same(s2, s1)).toBe('identical');
  });

  it('runs the caller work on offer once, mid-call, to the same bits; a kernel called from it runs on the caller alone', async () => {
    await new Promise((resolve) => setTimeout(resolve, 200)); // the pool's workers start once the event loop turns
    const [m, k, n] = [8192, 256, 64];
    const a = values(m * k, 5, true);
    const b = values(k * n, 6);
    const bias = values(n, 7);
    // The nested call has inputs of its own (other values, another shape): written into the memory the
    // outer call's workers are reading, they would change the outer sums.
    const [m2, k2, n2] = [3001, 200, 48];
    const a2 = values(m2 * k2, 8, true);
    const b2 = values(k2 * n2, 9);
    const [s1, s2, inner1, inner2] = [new Float32Array(m), new Float32Array(m), new Float32Array(m2), new Float32Array(m2)];
    one.rowSums(a, b, bias, true, s1, m, k, n);
    one.rowSums(a2, b2, null, false, inner1, m2, k2, n2);
    let runs = 0;
    offerCallerWork(() => {
      runs++;
      two.rowSums(a2, b2, null, false, inner2, m2, k2, n2); // nested: the pool is mid-run
      two.gemm(a2, [0], b2, [0], new Float32Array(m2 * n2), m2, k2, n2);
    }, () => two.rowSums(a, b, bias, true, s2, m, k, n));
    expect(runs).toBe(1);
    expect([varied(s1), varied(inner1)]).toEqual([true, true]);
    expect(same(s2, s1)).toBe('identical');
    expect(same(inner2, inner1)).toBe('identical');
    // Too small to split: nothing takes the offer.
    offerCallerWork(() => runs++, () => two.rowSums(values(20 * 30, 1), values(30 * 40, 2), null, false, new Float32Array(20), 20, 30, 40));
    expect(runs).toBe(1);
  });
});
