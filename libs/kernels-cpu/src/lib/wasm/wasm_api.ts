/**
 * The part of the `WebAssembly` global the kernels use, typed here because the project compiles against
 * lib ES2022 without the DOM typings (where TypeScript declares `WebAssembly`).
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** Adds `pages` 64 KiB pages; returns the old size in pages; throws (RangeError) past the maximum. */
  grow(pages: number): number;
}

export interface WasmMemoryDescriptor {
  readonly initial: number;
  readonly maximum?: number;
  readonly shared?: boolean;
}

export interface WasmInstance {
  readonly exports: Readonly<Record<string, unknown>>;
}

export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  readonly Memory: new (descriptor: WasmMemoryDescriptor) => WasmMemory;
}

/** Bytes a WebAssembly page holds. */
export const WASM_PAGE_BYTES = 65536;

/**
 * The runtime's `WebAssembly` object, or null where there is none (some locked-down embeddings), so callers
 * fall back to JS instead of throwing.
 *
 * ```ts
 * const wasm = wasmApi();
 * if (wasm !== null && wasm.validate(bytes)) new wasm.Module(bytes);
 * ```
 */
export function wasmApi(): WasmApi | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return api ?? null;
}

/**
 * A Node built-in module without a static import (process.getBuiltinModule), so the kernels still load where
 * there is none (a browser, an embedder without it); undefined there.
 *
 * ```ts
 * nodeBuiltin<typeof import('node:os')>('node:os')?.availableParallelism(); // 2 on the CI machine
 * ```
 */
export function nodeBuiltin<T>(id: string): T | undefined {
  if (typeof process === 'undefined') return undefined;
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  try {
    return get?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}
