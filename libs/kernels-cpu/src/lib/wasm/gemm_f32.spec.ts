import { createWasmGemm, WasmGemm } from './gemm_f32';
import { GEMM_TILE } from './gemm_module';
import { relaxedSimd } from './relaxed_simd';
import { wasmApi, WasmApi } from './wasm_api';

/** Whether the default kernel's multiply-add is fused here (relaxed SIMD on an FMA CPU): the references follow it. */
const FUSED = (createWasmGemm() as WasmGemm).fusedMultiplyAdd;

/** xorshift32: seeded, so a failure reproduces; shifts only, as Math.imul is slow under Jest's vm context. */
function rng(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function randomF32(length: number, next: () => number): Float32Array {
  return Float32Array.from({ length }, () => next() * 2 - 1);
}

/** The double-precision reference, with Σ|a·b| per element to bound the float32 error. */
function ref64(a: Float32Array, b: Float32Array, m: number, k: number, n: number): { c: Float64Array; mag: Float64Array } {
  const c = new Float64Array(m * n);
  const mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let t = 0;
      for (let p = 0; p < k; p++) {
        const x = a[i * k + p] * b[p * n + j];
        s += x;
        t += x < 0 ? -x : x; // not Math.abs: Math's builtins are slow under Jest's vm context
      }
      c[i * n + j] = s;
      mag[i * n + j] = t;
    }
  }
  return { c, mag };
}

/**
 * `c + a·b` rounded once to float32 (a fused multiply-add), with `f` a Float32Array of 2 for scratch. `a·b`
 * of two floats is exact in a double; `c + a·b` rounded to a double and then to float32 can differ from one
 * rounding only where the double sum is inexact and lands exactly halfway between two floats: TwoSum's error
 * term `e` says on which side the exact sum lies.
 */
function fmaF32(a: number, b: number, c: number, f: Float32Array): number {
  const p = a * b;
  const s = c + p;
  f[0] = s;
  const r = f[0];
  if (r === s || s - s !== 0) return r; // exact, or not finite
  const t = s - c;
  const e = c - (s - t) + (p - t);
  if (e === 0) return r;
  const other = 2 * s - r; // exact (Sterbenz); a float iff s is halfway between r and it
  f[1] = other;
  if (f[1] !== other) return r;
  return e > 0 === other > r ? other : r;
}

/**
 * What the kernel promises exactly: for p = 0..k-1 in that order, c = fround(c + fround(a·b)) (mul, then add),
 * or c = fma(a, b, c) rounded once where the kernel's multiply-add is fused. Rounds by storing into a
 * Float32Array: Math.fround is ~15x slower under Jest's vm context.
 */
function refF32(a: Float32Array, aOff: number, b: Float32Array, bOff: number, m: number, k: number, n: number, fused = FUSED): Float32Array {
  const c = new Float32Array(m * n);
  const r = new Float32Array(2); // r[0]: the running sum, r[1]: the product
  const f = new Float32Array(2);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      r[0] = 0;
      for (let p = 0; p < k; p++) {
        if (fused) {
          r[0] = fmaF32(a[aOff + i * k + p], b[bOff + p * n + j], r[0], f);
        } else {
          r[1] = a[aOff + i * k + p] * b[bOff + p * n + j];
          r[0] = r[0] + r[1];
        }
      }
      c[i * n + j] = r[0];
    }
  }
  return c;
}

function run(g: WasmGemm, a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const out = new Float32Array(m * n).fill(-12345); // every element must be written
  expect(g.gemm(a, [0], b, [0], out, m, k, n)).toBe(true);
  return out;
}

/** The first index where `x` and `y` differ as Object.is sees them (NaN equals NaN), or a length message; '' if none. */
function difference(x: Float32Array, y: Float32Array): string {
  if (x.length !== y.length) return `lengths ${x.length} and ${y.length}`;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return `at ${i}: ${x[i]} vs ${y[i]}`;
  return '';
}

/** Checks `out` bit for bit against refF32 and within the float32 error bound of the double reference. */
function check(out: Float32Array, a: Float32Array, b: Float32Array, m: number, k: number, n: number): void {
  const shape = `[${m},${k}]·[${k},${n}]`;
  expect(`${shape} ${difference(out, refF32(a, 0, b, 0, m, k, n))}`).toBe(`${shape} `);
  const { c, mag } = ref64(a, b, m, k, n);
  // k sequential float32 roundings of the products and sums: |error| <= (k + 1) 2^-24 Σ|a·b| (plus slack).
  let bad = -1;
  for (let i = 0; i < out.length && bad < 0; i++) {
    const err = out[i] - c[i];
    if (!((err < 0 ? -err : err) <= 1.01 * (k + 1) * 2 ** -24 * mag[i] + 1e-30)) bad = i;
  }
  expect(`${shape} ${bad}`).toBe(`${shape} -1`);
}

describe('createWasmGemm (WebAssembly SIMD float32 GEMM)', () => {
  const g = createWasmGemm() as WasmGemm;

  it('compiles on this runtime', () => {
    expect(g).not.toBeNull();
  });

  it('uses the fused multiply-add wherever relaxed SIMD has one, and says so', () => {
    const api = wasmApi() as WasmApi;
    expect(g.fusedMultiplyAdd).toBe(relaxedSimd(api)?.fused === true);
    // -(1 + 2^-11) + x·x, x·x = 1 + 2^-11 + 2^-24: the product rounded to float32 first loses the 2^-24.
    const x = 1 + 2 ** -12;
    const [a, b] = [Float32Array.of(1, x), Float32Array.of(-(1 + 2 ** -11), x)];
    const out = run(g, a, b, 1, 2, 1);
    expect(out[0]).toBe(g.fusedMultiplyAdd ? 2 ** -24 : 0);
    const plain = createWasmGemm({ tile: GEMM_TILE }) as WasmGemm;
    expect(plain.fusedMultiplyAdd).toBe(false);
    expect(run(plain, a, b, 1, 2, 1)[0]).toBe(0);
  });

  it("gives the plain tile's bits (mul, then add) with the plain tile, whatever the default", () => {
    const next = rng(5);
    const plain = createWasmGemm({ tile: GEMM_TILE }) as WasmGemm;
    for (const [m, k, n] of [[13, 300, 37], [1, 256, 64], [70, 33, 9]] as [number, number, number][]) {
      const a = randomF32(m * k, next);
      const b = randomF32(k * n, next);
      expect(difference(run(plain, a, b, m, k, n), refF32(a, 0, b, 0, m, k, n, false))).toBe('');
    }
  });

  it('matches the references for every m, n in 0..37 at inner sizes around the unroll edge, and every k in 0..37', () => {
    // Rows: 4-row tiles then single rows. Columns: 16-wide panels, then a 4-, 8- or 12-wide one, padded to 4.
    const next = rng(1);
    const shapes: [number, number, number][] = [];
    for (const k of [0, 1, 4, 5, 11]) for (let m = 0; m <= 37; m++) for (let n = 0; n <= 37; n++) shapes.push([m, k, n]);
    for (let k = 0; k <= 37; k++) shapes.push([1, k, 1], [5, k, 18], [4, k, 16], [9, k, 35]);
    for (const [m, k, n] of shapes) {
      const a = randomF32(m * k, next);
      const b = randomF32(k * n, next);
      check(run(g, a, b, m, k, n), a, b, m, k, n);
    }
  });

  it('matches the references for random shapes up to 37 and some large ones (several row blocks, long k)', () => {
    const next = rng(2);
    const shapes: [number, number, number][] = Array.from({ length: 150 }, () => [0, 0, 0].map(() => Math.floor(next() * 38)) as [number, number, number]);
    shapes.push([1030, 129, 67], [5, 3000, 9], [1, 256, 64], [700, 256, 64], [64, 64, 64]);
    for (const [m, k, n] of shapes) {
      const a = randomF32(m * k, next);
      const b = randomF32(k * n, next);
      check(run(g, a, b, m, k, n), a, b, m, k, n);
    }
  });

  it('gives the same bits whatever the row blocking, and grows its memory for big blocks', () => {
    const next = rng(3);
    const [m, k, n] = [4100, 300, 20]; // 4.9 MB of A in one block: more than the initial 1 MiB memory
    const a = randomF32(m * k, next);
    const b = randomF32(k * n, next);
    const want = refF32(a, 0, b, 0, m, k, n);
    for (const aBlockBytes of [1, 8 << 20]) {
      const out = run(createWasmGemm({ aBlockBytes }) as WasmGemm, a, b, m, k, n);
      expect(difference(out, want)).toBe('');
    }
  });

  it('propagates NaN and Infinity, in full tiles and in tail rows and columns (no zero skipping)', () => {
    const [m, k, n] = [6, 5, 18]; // rows 0-3 a full tile, 4-5 single rows; columns 0-15 a full panel, 16-17 a tail
    const a = new Float32Array(m * k).fill(1);
    const b = new Float32Array(k * n).fill(1);
    a.fill(0, 0, k); // row 0 all zeros
    a.fill(0, 4 * k, 5 * k); // row 4 (a tail row) all zeros
    b[2 * n + 3] = NaN; // column 3: 0 · NaN in rows 0 and 4
    b[1 * n + 17] = Infinity; // column 17 (a tail column): 0 · Infinity in rows 0 and 4, Infinity elsewhere
    a[2 * k + 0] = Infinity; // row 2: Infinity · 1 ...
    a[2 * k + 1] = -Infinity; // ... + -Infinity · 1 = NaN in every column
    a[5 * k + 4] = 3e38; // row 5: 3e38 · b plus 4: finite
    const out = run(g, a, b, m, k, n);
    expect(difference(out, refF32(a, 0, b, 0, m, k, n))).toBe('');
    const at = (i: number, j: number): number => out[i * n + j];
    expect([at(0, 3), at(4, 3), at(0, 17), at(4, 17)]).toEqual([NaN, NaN, NaN, NaN]);
    expect([at(1, 3), at(1, 17), at(5, 17)]).toEqual([NaN, Infinity, Infinity]);
    expect(Array.from({ length: n }, (_, j) => at(2, j)).every(Number.isNaN)).toBe(true);
    expect([at(0, 0), at(4, 0), at(5, 0)]).toEqual([0, 0, Math.fround(3e38 + 4)]);
  });

  it('accumulates in float32: a partial sum past float32 range is Infinity, as it would be in float32', () => {
    const a = Float32Array.of(3e38, 3e38, -3e38);
    const out = run(g, a, Float32Array.of(1, 1, 1), 1, 3, 1);
    expect(out[0]).toBe(Infinity); // a double accumulator would give 3e38
  });

  it('runs batches from element offsets, packing b again only when its offset changes', () => {
    const next = rng(4);
    const [m, k, n] = [9, 13, 21];
    const a = randomF32(3 * m * k + 5, next);
    const b = randomF32(2 * k * n + 7, next);
    const aOffsets = [5, 5 + m * k, 5 + 2 * m * k];
    const bOffsets = [7, 7 + k * n, 7]; // the third batch goes back to the first b
    const out = new Float32Array(3 * m * n);
    expect(g.gemm(a, aOffsets, b, bOffsets, out, m, k, n)).toBe(true);
    for (let t = 0; t < 3; t++) {
      expect(difference(out.subarray(t * m * n, (t + 1) * m * n), refF32(a, aOffsets[t], b, bOffsets[t], m, k, n))).toBe('');
    }
  });

  /** The fusedReduce loop's sum(relu(C + bias)) and sub-forms over the reference C: f64 from 0, in column order. */
  function refRowSums(c: Float32Array, bias: Float32Array | null, relu: boolean, m: number, n: number): Float32Array {
    const out = new Float32Array(m);
    const v = new Float32Array(1);
    for (let i = 0; i < m; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) {
        v[0] = bias === null ? c[i * n + j] : c[i * n + j] + bias[j];
        const x = v[0];
        acc += relu ? (x > 0 ? x : x !== x ? x : 0) : x;
      }
      out[i] = acc;
    }
    return out;
  }

  it('sums rows of the product with each epilogue (bias, relu, both, neither), bit for bit as the fused loop', () => {
    const next = rng(6);
    // Rows: 4-row groups and single rows, several A blocks (aBlockBytes 1 gives blocks of one tile); columns
    // not a multiple of 4, so C's padding must not be summed.
    const shapes: [number, number, number][] = [[1, 256, 64], [13, 7, 5], [37, 33, 18], [6, 1, 3], [0, 4, 4], [9, 0, 7], [300, 40, 64]];
    for (const gemm of [g, createWasmGemm({ aBlockBytes: 1 }) as WasmGemm]) {
      for (const [m, k, n] of shapes) {
        const a = randomF32(m * k, next);
        const b = randomF32(k * n, next);
        const bias = randomF32(n, next);
        // A NaN in one row of A (only that row's sum is NaN) and a -0 in the bias. A NaN or -Infinity in B
        // or the bias would reach every row's sum, and equal NaNs would hide any other difference; the
        // next test covers those.
        if (m > 1 && k > 0) a[k] = NaN;
        if (n > 2) bias[2] = -0;
        const c = refF32(a, 0, b, 0, m, k, n);
        for (const [withBias, relu] of [[false, false], [true, false], [false, true], [true, true]]) {
          const out = new Float32Array(m).fill(-12345);
          expect(gemm.rowSums(a, b, withBias ? bias : null, relu, out, m, k, n)).toBe(true);
          const label = `[${m},${k}]·[${k},${n}] bias ${withBias} relu ${relu}`;
          const want = refRowSums(c, withBias ? bias : null, relu, m, n);
          if (m > 8 && k > 0) expect(new Set(Array.from(want).filter((v) => !Number.isNaN(v))).size).toBeGreaterThan(m / 2);
          expect(`${label} ${difference(out, want)}`).toBe(`${label} `);
        }
      }
    }
  });

  it('row sums: relu keeps NaN and makes -0 and -Infinity 0; a bias of -Infinity makes the row sum 0 under relu', () => {
    const a = Float32Array.of(1, 1, 1, 1);
    const b = Float32Array.of(NaN, -0, -Infinity, 2);
    const out = new Float32Array(4);
    expect(g.rowSums(a, b, null, true, out, 4, 1, 4)).toBe(true);
    expect(Array.from(out)).toEqual([NaN, NaN, NaN, NaN]);
    const b2 = Float32Array.of(-0, -Infinity, 2, 3);
    g.rowSums(a, b2, null, true, out, 4, 1, 4);
    expect(Array.from(out)).toEqual([5, 5, 5, 5]);
    g.rowSums(a, b2, Float32Array.of(0, 0, -Infinity, -Infinity), true, out, 4, 1, 4);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
  });

  it('returns false and writes nothing when its memory cannot grow', () => {
    const api = wasmApi() as WasmApi;
    const small = createWasmGemm({ memory: new api.Memory({ initial: 1, maximum: 1 }) }) as WasmGemm;
    const out = new Float32Array(200 * 100).fill(7);
    expect(small.gemm(new Float32Array(200 * 100), [0], new Float32Array(100 * 100), [0], out, 200, 100, 100)).toBe(false);
    expect(out.every((x) => x === 7)).toBe(true);
    expect(small.gemm(Float32Array.of(2), [0], Float32Array.of(3), [0], out, 1, 1, 1)).toBe(true);
    expect(out[0]).toBe(6);
  });

  it('is null where there is no WebAssembly', () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'WebAssembly') as PropertyDescriptor;
    delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
    try {
      expect(createWasmGemm()).toBeNull();
    } finally {
      Object.defineProperty(globalThis, 'WebAssembly', saved);
    }
  });
});
