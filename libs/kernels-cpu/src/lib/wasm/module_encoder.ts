import type { FunctionBuilder } from './function_builder';
import { unsignedLeb128 } from './leb128';
import { ExternKind, FUNC_TYPE, LimitsFlag, Section } from './opcodes';

/** A linear memory the module imports, in 64 KiB pages; `shared` needs `maximum` (threads proposal). */
export interface MemoryImport {
  readonly module: string;
  readonly name: string;
  readonly initial: number;
  readonly maximum?: number;
  readonly shared?: boolean;
}

/** A function of the module; `exportAs` names it for JS. Functions are numbered in list order. */
export interface FunctionDef {
  readonly body: FunctionBuilder;
  readonly exportAs?: string;
}

export interface ModuleDef {
  readonly memory: MemoryImport;
  readonly functions: readonly FunctionDef[];
}

/**
 * Encodes a module of one imported memory and some functions: the type, import, function, export and code
 * sections (spec 5.5). Function types are deduplicated. Enough for kernels; no tables, globals or data.
 *
 * ```ts
 * const add = new FunctionBuilder([ValType.i32, ValType.i32], [ValType.i32]);
 * add.get(0).get(1).op(Op.i32_add);
 * const bytes = encodeModule({ memory: { module: 'env', name: 'memory', initial: 1 }, functions: [{ body: add, exportAs: 'add' }] });
 * WebAssembly.validate(bytes); // true
 * ```
 */
export function encodeModule(def: ModuleDef): Uint8Array {
  const typeKeys: string[] = [];
  const types: number[][] = [];
  const typeIndex = def.functions.map(({ body }) => {
    const sig = [FUNC_TYPE, ...vec(body.params.map((t) => [t])), ...vec(body.results.map((t) => [t]))];
    const key = sig.join(',');
    let i = typeKeys.indexOf(key);
    if (i < 0) {
      i = typeKeys.push(key) - 1;
      types.push(sig);
    }
    return i;
  });
  const exports = def.functions.flatMap((f, i) => (f.exportAs === undefined ? [] : [[...name(f.exportAs), ExternKind.func, ...unsignedLeb128(i)]]));
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, // magic "\0asm"
    0x01, 0x00, 0x00, 0x00, // version 1
    ...section(Section.type, vec(types)),
    ...section(Section.import, vec([[...name(def.memory.module), ...name(def.memory.name), ExternKind.memory, ...limits(def.memory)]])),
    ...section(Section.function, vec(typeIndex.map((i) => unsignedLeb128(i)))),
    ...section(Section.export, vec(exports)),
    ...section(Section.code, vec(def.functions.map(({ body }) => sized(body.encode())))),
  ];
  return Uint8Array.from(bytes);
}

function limits(m: MemoryImport): number[] {
  if (m.maximum === undefined) {
    if (m.shared === true) throw new Error('encodeModule: a shared memory needs a maximum');
    return [LimitsFlag.min, ...unsignedLeb128(m.initial)];
  }
  const flag = m.shared === true ? LimitsFlag.minMaxShared : LimitsFlag.minMax;
  return [flag, ...unsignedLeb128(m.initial), ...unsignedLeb128(m.maximum)];
}

/** A vector: its length, then its elements (spec 5.1.3). */
function vec(items: readonly number[][]): number[] {
  return [...unsignedLeb128(items.length), ...items.flat()];
}

/** Bytes prefixed by their length, as sections and function bodies are. */
function sized(bytes: readonly number[]): number[] {
  return [...unsignedLeb128(bytes.length), ...bytes];
}

function section(id: number, content: readonly number[]): number[] {
  return [id, ...sized(content)];
}

function name(s: string): number[] {
  return sized(Array.from(new TextEncoder().encode(s)));
}
