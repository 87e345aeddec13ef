import { signedLeb128, unsignedLeb128 } from './leb128';
import { BLOCK_EMPTY, Op, SIMD_PREFIX, SimdOp, ValType } from './opcodes';

/** A structured-control label: `br` to a block exits it, to a loop starts its next turn. */
export interface Label {
  readonly kind: 'block' | 'loop' | 'if';
}

/**
 * Builds one WebAssembly function body, an instruction a method, so generator code reads like the text
 * format. Parameters are locals 0..n-1; `local()` declares more. Branches take the `Label` that `block()`,
 * `loop()` or `ifThen()` returned and work out the relative depth, so no generator counts nesting by hand.
 *
 * ```ts
 * const f = new FunctionBuilder([ValType.i32, ValType.i32], [ValType.i32]);
 * f.get(0).get(1).op(Op.i32_add); // (i32.add (local.get 0) (local.get 1))
 * const body = f.encode();
 * ```
 */
export class FunctionBuilder {
  private readonly code: number[] = [];
  private readonly extraLocals: ValType[] = [];
  private readonly open: Label[] = [];

  constructor(readonly params: readonly ValType[], readonly results: readonly ValType[]) {}

  /** Declares a local of `type` (zero-initialized on entry, v128 included) and returns its index. */
  local(type: ValType): number {
    this.extraLocals.push(type);
    return this.params.length + this.extraLocals.length - 1;
  }

  /** A plain one-byte instruction. */
  op(code: number): this {
    this.code.push(code);
    return this;
  }

  get(local: number): this {
    this.code.push(Op.local_get, ...unsignedLeb128(local));
    return this;
  }

  set(local: number): this {
    this.code.push(Op.local_set, ...unsignedLeb128(local));
    return this;
  }

  i32Const(value: number): this {
    this.code.push(Op.i32_const, ...signedLeb128(value));
    return this;
  }

  /** `f32.const`, the value rounded to float32. */
  f32Const(value: number): this {
    this.code.push(Op.f32_const, ...new Uint8Array(new Float32Array([value]).buffer));
    return this;
  }

  /** `f64.const`. */
  f64Const(value: number): this {
    this.code.push(Op.f64_const, ...new Uint8Array(new Float64Array([value]).buffer));
    return this;
  }

  /** `local += delta` for an i32 local; `delta` a constant or another local's index via `addLocal`. */
  addConst(local: number, delta: number): this {
    return this.get(local).i32Const(delta).op(Op.i32_add).set(local);
  }

  addLocal(local: number, other: number): this {
    return this.get(local).get(other).op(Op.i32_add).set(local);
  }

  /** A memory instruction with its memarg; `align` is log2 of the alignment hint (a hint only: 0 is always valid). */
  mem(code: number, offset = 0, align = 2): this {
    this.code.push(code, ...unsignedLeb128(align), ...unsignedLeb128(offset));
    return this;
  }

  /** A SIMD128 instruction without immediates. */
  simd(code: number): this {
    this.code.push(SIMD_PREFIX, ...unsignedLeb128(code));
    return this;
  }

  /** A SIMD128 lane instruction (`f32x4.extract_lane` and kin) with its lane index. */
  simdLane(code: number, lane: number): this {
    this.code.push(SIMD_PREFIX, ...unsignedLeb128(code), lane);
    return this;
  }

  /** A SIMD128 load or store with its memarg (`align` as for `mem`). */
  simdMem(code: number, offset = 0, align = 4): this {
    this.code.push(SIMD_PREFIX, ...unsignedLeb128(code), ...unsignedLeb128(align), ...unsignedLeb128(offset));
    return this;
  }

  /** `v128.const` of four equal f32 lanes. */
  f32x4Const(value: number): this {
    const lanes = new Uint8Array(new Float32Array([value, value, value, value]).buffer);
    this.code.push(SIMD_PREFIX, ...unsignedLeb128(SimdOp.v128_const), ...lanes);
    return this;
  }

  call(funcIndex: number): this {
    this.code.push(Op.call, ...unsignedLeb128(funcIndex));
    return this;
  }

  block(): Label {
    return this.openLabel('block', Op.block);
  }

  loop(): Label {
    return this.openLabel('loop', Op.loop);
  }

  /** `if` on the i32 on the stack. */
  ifThen(): Label {
    return this.openLabel('if', Op.if);
  }

  /** Closes the innermost open block, loop or if. */
  end(): this {
    if (this.open.pop() === undefined) throw new Error('FunctionBuilder.end: no open block');
    this.code.push(Op.end);
    return this;
  }

  br(label: Label): this {
    this.code.push(Op.br, ...unsignedLeb128(this.depth(label)));
    return this;
  }

  brIf(label: Label): this {
    this.code.push(Op.br_if, ...unsignedLeb128(this.depth(label)));
    return this;
  }

  /** The function's code-section entry body: locals (run-length grouped) then code then `end`. */
  encode(): number[] {
    if (this.open.length !== 0) throw new Error(`FunctionBuilder.encode: ${this.open.length} block(s) left open`);
    const groups: [number, ValType][] = [];
    for (const t of this.extraLocals) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const locals = [...unsignedLeb128(groups.length), ...groups.flatMap(([count, t]) => [...unsignedLeb128(count), t])];
    return [...locals, ...this.code, Op.end];
  }

  private openLabel(kind: Label['kind'], code: number): Label {
    const label: Label = { kind };
    this.open.push(label);
    this.code.push(code, BLOCK_EMPTY);
    return label;
  }

  private depth(label: Label): number {
    const i = this.open.lastIndexOf(label);
    if (i < 0) throw new Error(`FunctionBuilder: branch to a ${label.kind} that is not open`);
    return this.open.length - 1 - i;
  }
}
