import type { Tensor } from '../lib/core/tensor';

/**
 * A way to run op code, so one op spec suite serves every backend: eager CPU, graph (fn), worker threads,
 * the GPU. `run` computes `f(...inputs)`; an adapter may trace f, ship it to a worker, or run it on a device.
 * Errors f throws (bad shapes, dtypes) must surface from `run` with their message unchanged.
 */
export interface OpBackend {
  readonly name: string;
  run(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): Tensor | Promise<Tensor>;
  /** Relative tolerance for float results on this backend (GPU float32 math may differ in the last bits). */
  readonly rtol?: number;
}

/** Runs f directly: each op dispatches to the registered CPU kernel. */
export const eagerBackend: OpBackend = {
  name: 'eager-cpu',
  run: (f, inputs) => f(...inputs),
};
