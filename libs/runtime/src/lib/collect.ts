import { Flow, setRunEagerly, runsEagerly } from '@weir/dataflow';
import { eagerCollect } from '@weir/eager';
import { compile, CompileOptions } from './exec/plan';

export type CollectOptions = CompileOptions & { readonly mode?: 'eager' | 'graph' };

/**
 * Runs a Flow to completion and returns its output: compiled (graph, the default) or element by element
 * (eager). While `setRunEagerly(true)` is on, graph mode runs eagerly too.
 *
 * ```ts
 * await collect(from([1, 2, 3]).pipe(map((x) => ops.mul(x, 2))));   // [2, 4, 6]
 * ```
 */
export async function collect<T>(flow: Flow<T>, options: CollectOptions = {}): Promise<T[]> {
  if (options.mode === 'eager' || runsEagerly()) return eagerCollect(flow) as Promise<T[]>;
  return compile(flow, options).collect();
}

export { setRunEagerly };
