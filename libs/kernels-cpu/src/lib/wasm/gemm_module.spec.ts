import { createWasmGemm } from './gemm_f32';
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
