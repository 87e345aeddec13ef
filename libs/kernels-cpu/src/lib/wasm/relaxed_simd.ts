import { FunctionBuilder } from './function_builder';
import { encodeModule } from './module_encoder';
import { SimdOp, ValType } from './opcodes';
import { nodeBuiltin } from './wasm_api';
import type { WasmApi, WasmInstance } from './wasm_api';

/** The V8 flag that turns relaxed SIMD on where it is not on by default (V8 before 11.4: Node 20). */
const V8_FLAG = '--experimental-wasm-relaxed-simd';

/** Set to `off` (or `0`) to keep the kernels on plain SIMD128: mul then add, as on a runtime without relaxed SIMD. */
export const RELAXED_SIMD_ENV = 'WEIR_RELAXED_SIMD';

/** What relaxed SIMD does on this runtime and CPU. */
export interface RelaxedSimd {
  /** Whether `f32x4.relaxed_madd` rounds once (a hardware FMA) rather than twice (mul, then add). */
  readonly fused: boolean;
}

let probed: RelaxedSimd | null | undefined;

/**
 * Relaxed SIMD on this process, or null where it cannot be had (or `WEIR_RELAXED_SIMD=off`). Its multiply-add
 * is what makes the float32 GEMM 1.4x faster on an FMA CPU (gemm_module.ts, GEMM_TILE_FMA). Node 20's V8 has it
 * behind a flag, which is turned on here, once, through `v8.setFlagsFromString`: the flag only lets the
 * validator accept the relaxed opcodes, and nothing compiled before reads it. Which rounding `relaxed_madd`
 * gives depends on the CPU; one call on values where the two differ tells, so callers can say what they compute.
 *
 * ```ts
 * relaxedSimd(WebAssembly); // { fused: true } on x64 with FMA; null without relaxed SIMD
 * ```
 */
export function relaxedSimd(api: WasmApi): RelaxedSimd | null {
  if (probed === undefined) probed = probe(api);
  return probed;
}

function probe(api: WasmApi): RelaxedSimd | null {
  const env = typeof process === 'undefined' ? undefined : process.env[RELAXED_SIMD_ENV];
  if (env === 'off' || env === '0') return null;
  const bytes = probeModule();
  if (!api.validate(bytes)) {
    enableV8Flag();
    if (!api.validate(bytes)) return null;
  }
  let instance: WasmInstance;
  try {
    instance = new api.Instance(new api.Module(bytes), { env: { memory: new api.Memory({ initial: 1 }) } });
  } catch {
    return null;
  }
  const madd = instance.exports['madd'] as (a: number, b: number, c: number) => number;
  // a·b = 1 + 2^-11 + 2^-24 exactly; rounded to float32 first it is 1 + 2^-11 (2^-24 is half an ulp, and the
  // tie goes to even), so mul-then-add gives 0 where one rounding gives 2^-24.
  const a = 1 + 2 ** -12;
  return { fused: madd(a, a, -(1 + 2 ** -11)) !== 0 };
}

function enableV8Flag(): void {
  const v8 = nodeBuiltin<{ setFlagsFromString?: (flags: string) => void }>('node:v8');
  try {
    v8?.setFlagsFromString?.(V8_FLAG);
  } catch {
    // an embedder that forbids it: stay on SIMD128
  }
}

/** `madd(a, b, c)`: lane 0 of `f32x4.relaxed_madd(splat a, splat b, splat c)`. */
function probeModule(): Uint8Array {
  const f = new FunctionBuilder([ValType.f32, ValType.f32, ValType.f32], [ValType.f32]);
  f.get(0).simd(SimdOp.f32x4_splat).get(1).simd(SimdOp.f32x4_splat).get(2).simd(SimdOp.f32x4_splat);
  f.simd(SimdOp.f32x4_relaxed_madd).simdLane(SimdOp.f32x4_extract_lane, 0);
  return encodeModule({ memory: { module: 'env', name: 'memory', initial: 1 }, functions: [{ body: f, exportAs: 'madd' }] });
}
