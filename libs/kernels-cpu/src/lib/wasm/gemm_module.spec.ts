import { createWasmGemm, WasmGemm } from './gemm_f32';
import { buildGemmModule, GEMM_TILE, GemmTile } from './gemm_module';
import { wasmApi, WasmApi } from './wasm_api';

describe('buildGemmModule', () => {
  const api = wasmApi() as WasmApi;
  const tiles: GemmTile[] = [GEMM_TILE, { mr: 1, nv: 1, unroll: 1 }, { mr: 3, nv: 2, unroll: 3 }, { mr: 6, nv: 4, unroll: 2 }, { mr: 2, nv: 8, unroll: 8 }];

  it.each(tiles)('validates for tile %o, also with a shared memory', (tile) => {
    expect(api.validate(buildGemmModule(tile))).toBe(true);
    expect(api.validate(buildGemmModule(tile, { module: 'env', name: 'memory', initial: 1, maximum: 16, shared: true }))).toBe(true);
  });

  it('gives the same bits for every tile: each element is summed in k order whatever the blocking', () => {
    const shapes: [number, number, number][] = [[13, 11, 37], [2, 40, 3], [8, 1, 33], [31, 17, 16]];
    const gemms = tiles.map((tile) => createWasmGemm({ tile }) as WasmGemm);
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
