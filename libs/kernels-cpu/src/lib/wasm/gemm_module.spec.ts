import { createWasmGemm, WasmGemm } from './gemm_f32';
import { buildGemmModule, GEMM_TILE, GEMM_TILE_FMA, GemmTile } from './gemm_module';
import { relaxedSimd } from './relaxed_simd';
import { wasmApi, WasmApi } from './wasm_api';

describe('buildGemmModule', () => {
  const api = wasmApi() as WasmApi;
  const tiles: GemmTile[] = [GEMM_TILE, { mr: 1, nv: 1, unroll: 1 }, { mr: 3, nv: 2, unroll: 3 }, { mr: 6, nv: 4, unroll: 2 }, { mr: 2, nv: 8, unroll: 8 }];

  it.each(tiles)('validates for tile %o, also with a shared memory', (tile) => {
    expect(api.validate(buildGemmModule(tile))).toBe(true);
    expect(api.validate(buildGemmModule(tile, { module: 'env', name: 'memory', initial: 1, maximum: 16, shared: true }))).toBe(true);
  });

  const fmaTiles: GemmTile[] = [GEMM_TILE_FMA, { mr: 1, nv: 1, unroll: 1, fma: true }, { mr: 3, nv: 2, unroll: 3, fma: true }, { mr: 5, nv: 4, unroll: 2, fma: true }];
  const relaxed = relaxedSimd(api);

  it('validates the relaxed-SIMD (fma) tiles where relaxed SIMD is on, and builds no GEMM from them where it is not', () => {
    for (const tile of fmaTiles) {
      expect(api.validate(buildGemmModule(tile))).toBe(relaxed !== null);
      expect(createWasmGemm({ tile }) === null).toBe(relaxed === null);
    }
  });

  it.each([['plain', tiles], ['fma', fmaTiles]] as const)('gives the same bits for every %s tile: each element is summed in k order whatever the blocking', (_, group) => {
    const shapes: [number, number, number][] = [[13, 11, 37], [2, 40, 3], [8, 1, 33], [31, 17, 16]];
    const gemms = group.flatMap((tile) => createWasmGemm({ tile }) ?? []);
    expect(gemms.length).toBe(group === fmaTiles && relaxed === null ? 0 : group.length);
    for (const [m, k, n] of shapes) {
      const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i) * 3);
      const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.7));
      const outs = gemms.map((g) => {
        const out = new Float32Array(m * n);
        g.gemm(a, [0], b, [0], out, m, k, n);
        return Array.from(out);
      });
      for (const out of outs) expect(out).toEqual(outs[0]);
    }
  });
});

describe('span and span_sum* (a whole span of rows in one call, as a worker thread runs its share)', () => {
  const api = wasmApi() as WasmApi;

  /** Runs the exports of a fresh instance on one memory: A, B packed, then the span functions. */
  function spans(tile: GemmTile, a: Float32Array, b: Float32Array, bias: Float32Array, m: number, k: number, n: number, mc: number) {
    const memory = new api.Memory({ initial: 64 });
    const ex = new api.Instance(new api.Module(buildGemmModule(tile)), { env: { memory } }).exports as Record<string, (...args: number[]) => void>;
    const heap = new Float32Array(memory.buffer);
    const n4 = Math.ceil(n / 4) * 4;
    const [bRaw, bPacked, aAt, cAt, biasAt, sumsAt] = [0, 1 << 16, 2 << 16, 6 << 16, 10 << 16, 11 << 16];
    heap.set(b, bRaw / 4);
    ex.pack_b(bRaw, bPacked, k, n, n4);
    heap.set(a, aAt / 4);
    heap.set(bias, biasAt / 4);
    ex.span(aAt, bPacked, cAt, m, k, n4, mc);
    const product = Float32Array.from({ length: m * n }, (_, i) => heap[cAt / 4 + Math.floor(i / n) * n4 + (i % n)]);
    ex.span_sum_bias_relu(aAt, bPacked, cAt, m, k, n, n4, mc, biasAt, sumsAt);
    const biasRelu = heap.slice(sumsAt / 4, sumsAt / 4 + m);
    ex.span_sum(aAt, bPacked, cAt, m, k, n, n4, mc, biasAt, sumsAt);
    const plain = heap.slice(sumsAt / 4, sumsAt / 4 + m);
    return { product, biasRelu, plain };
  }

  it.each([[37, 19, 13, 8], [64, 32, 64, 6], [5, 3, 2, 1], [50, 7, 9, 64]])('gives the bits of gemm and rowSums: [%i,%i]·[%i] in blocks of %i rows', (m, k, n, mc) => {
    const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i) * 3);
    const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.7));
    const bias = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.3));
    for (const tile of [GEMM_TILE, ...(relaxedSimd(api) === null ? [] : [GEMM_TILE_FMA])]) {
      const g = createWasmGemm({ tile }) as WasmGemm;
      const got = spans(tile, a, b, bias, m, k, n, mc);
      const product = new Float32Array(m * n);
      g.gemm(a, [0], b, [0], product, m, k, n);
      expect(Array.from(got.product)).toEqual(Array.from(product));
      const sums = new Float32Array(m);
      g.rowSums(a, b, bias, true, sums, m, k, n);
      expect(Array.from(got.biasRelu)).toEqual(Array.from(sums));
      g.rowSums(a, b, null, false, sums, m, k, n);
      expect(Array.from(got.plain)).toEqual(Array.from(sums));
    }
  });
});
