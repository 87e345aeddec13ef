import type { Tensor } from '../core/tensor';
import type { Attrs } from './contract';

/**
 * A CPU-style kernel: reads its inputs' typed arrays and fills `out`, which the caller allocated from the
 * op's inferred dtype and shape (so an executor can hand in a reused buffer). Inputs may have different
 * dtypes (promotion does not copy); kernels compute in JS numbers and store into `out.data`.
 */
export interface KernelArgs<A extends Attrs = Attrs> {
  readonly inputs: readonly Tensor[];
  readonly attrs: A;
  readonly out: Tensor;
}
export type Kernel<A extends Attrs = any> = (args: KernelArgs<A>) => void;

const kernels = new Map<string, Map<string, unknown>>();

/**
 * Registers `kernel` for op `op` on `backend`. Registering twice throws: two kernels for one op would make
 * results depend on import order.
 */
export function registerKernel<K = Kernel>(backend: string, op: string, kernel: K): void {
  let table = kernels.get(backend);
  if (table === undefined) kernels.set(backend, (table = new Map()));
  if (table.has(op)) throw new Error(`A kernel for op '${op}' is already registered on backend '${backend}'`);
  table.set(op, kernel);
}

export function getKernel<K = Kernel>(backend: string, op: string): K {
  const k = kernels.get(backend)?.get(op);
  if (k === undefined) {
    const hint = backend === 'cpu' ? " (import '@weir/kernels-cpu' or '@weir/runtime', which registers it)" : '';
    throw new Error(`No kernel for op '${op}' is registered on backend '${backend}'${hint}`);
  }
  return k as K;
}

export function hasKernel(backend: string, op: string): boolean {
  return kernels.get(backend)?.has(op) ?? false;
}

export function registeredKernels(backend: string): string[] {
  return [...(kernels.get(backend)?.keys() ?? [])];
}
