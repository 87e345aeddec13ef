import { gemmImpl, gemmIntImpl, MATMUL_BLOCK, matmulImpl, WASM_MATMUL_MIN_MACS } from './matmul_impl';

/** The textbook triple loop in double precision, as the oracle. */
function naive(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): number[] {
  const c = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) c[i * n + j] += a[i * k + p] * b[p * n + j];
  return c;
}

function seq(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (((i + 1) * (seed + 7)) % 13) - 6);
}

describe('gemmImpl (blocked float matmul)', () => {
  // Each size straddles a tile edge of MATMUL_BLOCK or the four-row step, where an off-by-one would hide.
  const { i: BI, k: BK, j: BJ } = MATMUL_BLOCK;
  const sizes: [number, number, number][] = [
    [1, 1, 1], [3, 5, 2], [4, 4, 4], [5, 3, 7], [BI + 1, BK + 3, BJ + 5], [BI - 1, BK - 1, BJ - 1], [2 * BI + 3, 7, BJ * 2 + 1], [7, BK * 2 + 1, 3],
  ];
  it.each(sizes)('matches the triple loop for m=%i k=%i n=%i', (m, k, n) => {
    const a = seq(m * k, 1);
    const b = seq(k * n, 2);
    const c = new Float64Array(m * n);
    gemmImpl(a, 0, b, 0, c, 0, m, k, n);
    expect(Array.from(c)).toEqual(naive(a, b, m, k, n));
  });

  it('adds into c at an offset, reading a and b from offsets', () => {
    const a = Float32Array.of(99, 1, 2, 3, 4);
    const b = Float32Array.of(99, 99, 5, 6, 7, 8);
    const c = Float64Array.of(-1, 1, 1, 1, 1);
    gemmImpl(a, 1, b, 2, c, 1, 2, 2, 2);
    expect(Array.from(c)).toEqual([-1, 20, 23, 44, 51]);
  });

  it('keeps NaN from 0 * Infinity and 0 * NaN (no zero skipping)', () => {
    const c = new Float64Array(2);
    gemmImpl([0, 0], 0, [Infinity, NaN], 0, c, 0, 2, 1, 1);
    expect(Array.from(c)).toEqual([NaN, NaN]);
  });
});

describe('gemmIntImpl', () => {
  it('wraps modulo 2^32 exactly where doubles would round', () => {
    const c = new Int32Array(1);
    gemmIntImpl([123456789, 987654321], 0, [987654321, 123456789], 0, c, 0, 1, 2, 1);
    expect(c[0]).toBe(Number(BigInt.asIntN(32, 2n * 123456789n * 987654321n)));
  });

  it('matches the triple loop across tile edges', () => {
    const [m, k, n] = [MATMUL_BLOCK.i + 2, MATMUL_BLOCK.k + 1, 9];
    const a = Int32Array.from(seq(m * k, 3));
    const b = Int32Array.from(seq(k * n, 4));
    const c = new Int32Array(m * n);
    gemmIntImpl(a, 0, b, 0, c, 0, m, k, n);
    expect(Array.from(c)).toEqual(naive(a, b, m, k, n));
  });
});

describe('matmulImpl', () => {
  it('broadcasts batch dimensions and handles 1-D operands', () => {
    // a: [2,1,2] (two 1x2 rows), b: [2,1] shared by both batches
    const out = new Float32Array(2);
    matmulImpl([1, 2, 3, 4], [2, 1, 2], [10, 1], [2, 1], out, false);
    expect(Array.from(out)).toEqual([12, 34]);
    const dot = new Float64Array(1);
    matmulImpl([1, 2, 3], [3], [4, 5, 6], [3], dot, false);
    expect(dot[0]).toBe(32);
  });

  it('overwrites a reused output buffer instead of adding to it', () => {
    const out = Float64Array.of(100, 100, 100, 100);
    matmulImpl([1, 0, 0, 1], [2, 2], [5, 6, 7, 8], [2, 2], out, false);
    expect(Array.from(out)).toEqual([5, 6, 7, 8]);
    const ints = Int32Array.of(100, 100);
    matmulImpl([1, 2], [1, 2], [3, 4, 5, 6], [2, 2], ints, true);
    expect(Array.from(ints)).toEqual([13, 16]);
  });

  it('rounds a float32 result once, from a double-precision sum', () => {
    // 1 + 2^-30 - 1 is 2^-30 in double but 0 if each partial sum were rounded to float32.
    const out = new Float32Array(1);
    matmulImpl(Float64Array.of(1, 2 ** -30, -1), [1, 3], [1, 1, 1], [3, 1], out, false);
    expect(out[0]).toBe(Math.fround(2 ** -30));
  });

  it('leaves nothing to do for empty outputs and zero-fills an empty inner dimension', () => {
    const out = Float32Array.of(7, 7, 7, 7);
    matmulImpl([], [2, 0], [], [0, 2], out, false);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
    expect(() => matmulImpl([], [0, 3], [1, 2, 3], [3, 1], new Float32Array(0), false)).not.toThrow();
  });
});

describe('matmulImpl on float32: WebAssembly above WASM_MATMUL_MIN_MACS, JS below and as the fallback', () => {
  // 1 + 2^-30 - 1 (the rest zeros): 2^-30 with a double accumulator, 0 with a float32 one.
  const tiny = (k: number): Float32Array => {
    const a = new Float32Array(k);
    a.set([1, 2 ** -30, -1]);
    return a;
  };
  const ones = (k: number): Float32Array => new Float32Array(k).fill(1);

  it('accumulates in float32 from the threshold on, in double below it', () => {
    const k = WASM_MATMUL_MIN_MACS;
    const out = new Float32Array(1);
    matmulImpl(tiny(k), [1, k], ones(k), [k, 1], out, false);
    expect(out[0]).toBe(0);
    matmulImpl(tiny(k - 1), [1, k - 1], ones(k - 1), [k - 1, 1], out, false);
    expect(out[0]).toBe(Math.fround(2 ** -30));
  });

  it('keeps double accumulation for inputs that are not Float32Array, whatever the size', () => {
    const k = 64;
    const out = new Float32Array(1);
    matmulImpl(Float64Array.from(tiny(k)), [1, k], ones(k), [k, 1], out, false);
    expect(out[0]).toBe(Math.fround(2 ** -30));
  });

  it('falls back to the JS loop where there is no WebAssembly', () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'WebAssembly') as PropertyDescriptor;
    delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
    try {
      jest.isolateModules(() => {
        // A fresh copy of the module, whose WebAssembly GEMM is not built yet, so it finds none.
        const fresh = jest.requireActual<typeof import('./matmul_impl')>('./matmul_impl');
        const out = new Float32Array(1);
        fresh.matmulImpl(tiny(64), [1, 64], ones(64), [64, 1], out, false);
        expect(out[0]).toBe(Math.fround(2 ** -30));
      });
    } finally {
      Object.defineProperty(globalThis, 'WebAssembly', saved);
    }
  });

  it('broadcasts batch dimensions and 1-D operands on the WebAssembly path', () => {
    // a: [2,3,5,7], b: [3,7,6] broadcast over the first dimension; then a 1-D a and a 1-D b.
    const a = seq(2 * 3 * 5 * 7, 5);
    const b = seq(3 * 7 * 6, 6);
    const out = new Float32Array(2 * 3 * 5 * 6);
    matmulImpl(a, [2, 3, 5, 7], b, [3, 7, 6], out, false);
    const want: number[] = [];
    for (let t = 0; t < 6; t++) want.push(...naive(a.subarray(t * 35, t * 35 + 35), b.subarray((t % 3) * 42, (t % 3) * 42 + 42), 5, 7, 6));
    expect(Array.from(out)).toEqual(want); // small integers: exact in float32 as in double
    const v = new Float32Array(6);
    matmulImpl(a.subarray(0, 7), [7], b.subarray(0, 42), [7, 6], v, false);
    expect(Array.from(v)).toEqual(naive(a, b, 1, 7, 6));
    const w = new Float32Array(5);
    matmulImpl(a.subarray(0, 35), [5, 7], b.subarray(0, 7), [7], w, false);
    expect(Array.from(w)).toEqual(naive(a, b.subarray(0, 7), 5, 7, 1));
  });

  it('propagates NaN from 0 * Infinity and 0 * NaN on the WebAssembly path', () => {
    const [m, k, n] = [5, 8, 9];
    const a = new Float32Array(m * k).fill(1);
    a.fill(0, 0, k); // row 0 zero
    const b = new Float32Array(k * n).fill(1);
    b[3 * n + 2] = Infinity;
    b[5 * n + 8] = NaN;
    const out = new Float32Array(m * n);
    matmulImpl(a, [m, k], b, [k, n], out, false);
    expect([out[2], out[8], out[n + 2], out[n + 8], out[n]]).toEqual([NaN, NaN, Infinity, NaN, 8]);
  });
});
