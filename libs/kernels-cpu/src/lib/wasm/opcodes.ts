/**
 * The few WebAssembly binary-format constants the CPU kernels emit, named as in the spec
 * (https://webassembly.github.io/spec/core/binary/), so generated code reads like the text format.
 * Only what the kernels (and their specs) use is here; add an opcode when a kernel needs it, with the spec's name.
 */

/** Value types (spec 5.3.1). */
export const ValType = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
} as const;
export type ValType = (typeof ValType)[keyof typeof ValType];

/** Section ids, in the order a module must list them (spec 5.5.2). */
export const Section = {
  type: 1,
  import: 2,
  function: 3,
  memory: 5,
  export: 7,
  code: 10,
} as const;

/** Import and export descriptor kinds (spec 5.5.5, 5.5.10). */
export const ExternKind = { func: 0x00, memory: 0x02 } as const;

/** Limits flags (spec 5.3.4; `shared` from the threads proposal). */
export const LimitsFlag = { min: 0x00, minMax: 0x01, minMaxShared: 0x03 } as const;

/** The function-type tag and the empty block type. */
export const FUNC_TYPE = 0x60;
export const BLOCK_EMPTY = 0x40;

/** Single-byte instructions (spec 5.4). */
export const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  br_if: 0x0d,
  call: 0x10,
  drop: 0x1a,
  select: 0x1b,
  local_get: 0x20,
  local_set: 0x21,
  i32_load: 0x28,
  f32_load: 0x2a,
  i32_store: 0x36,
  f32_store: 0x38,
  f32_const: 0x43,
  f64_const: 0x44,
  i32_const: 0x41,
  i32_eqz: 0x45,
  i32_eq: 0x46,
  i32_lt_s: 0x48,
  i32_gt_s: 0x4a,
  i32_le_s: 0x4c,
  i32_ge_s: 0x4e,
  i32_and: 0x71,
  i32_add: 0x6a,
  i32_sub: 0x6b,
  i32_mul: 0x6c,
  i32_div_s: 0x6d,
  f32_add: 0x92,
  f32_max: 0x97,
  f64_add: 0xa0,
  f32_demote_f64: 0xb6,
  f64_promote_f32: 0xbb,
} as const;

/** The prefix byte of SIMD128 instructions; the sub-opcode that follows is a LEB128 u32 (spec 5.4.8). */
export const SIMD_PREFIX = 0xfd;

/** SIMD128 sub-opcodes. */
export const SimdOp = {
  v128_load: 0x00,
  v128_load32_splat: 0x09,
  v128_store: 0x0b,
  v128_const: 0x0c,
  f32x4_splat: 0x13,
  f32x4_extract_lane: 0x1f,
  f32x4_add: 0xe4,
  f32x4_max: 0xe9,
  f32x4_mul: 0xe6,
  /** Relaxed SIMD (a finished proposal; V8 11.3, Node 20, has it behind a flag): `a·b + c`, fused where the CPU can. */
  f32x4_relaxed_madd: 0x105,
} as const;
