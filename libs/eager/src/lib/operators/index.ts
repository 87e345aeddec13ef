import type { OperatorDesc, OperatorKind } from '@weir/dataflow';
import type { OperatorImpl } from '../stage';
import { batchOperator } from './batch';
import { countWindowOperator } from './count-window';
import { filterOperator } from './filter';
import { flatMapOperator } from './flat-map';
import { keyByOperator } from './key-by';
import { mapOperator } from './map';
import { mergeOperator } from './merge';
import { reduceOperator } from './reduce';
import { scanOperator } from './scan';
import { skipOperator } from './skip';
import { takeOperator } from './take';
import { tapOperator } from './tap';
import { timeWindowOperator } from './time-window';
import { zipOperator } from './zip';

export interface OperatorEntry<D> {
  readonly create: OperatorImpl<D>;
  /**
   * How the stage changes keying for the stages after it: keyBy starts it; batch, zip and merge end it,
   * because their outputs mix elements of different keys (or of another stream). Others keep it.
   */
  readonly keying?: 'starts' | 'ends';
}

type OperatorTable = { readonly [K in OperatorKind]: OperatorEntry<Extract<OperatorDesc, { kind: K }>> };

/** The eager implementation of every operator kind: the one dispatch table (no switch over kinds elsewhere). */
export const OPERATORS: OperatorTable = {
  map: { create: mapOperator },
  filter: { create: filterOperator },
  flatMap: { create: flatMapOperator },
  scan: { create: scanOperator },
  reduce: { create: reduceOperator },
  batch: { create: batchOperator, keying: 'ends' },
  tap: { create: tapOperator },
  take: { create: takeOperator },
  skip: { create: skipOperator },
  keyBy: { create: keyByOperator, keying: 'starts' },
  countWindow: { create: countWindowOperator },
  timeWindow: { create: timeWindowOperator },
  zip: { create: zipOperator, keying: 'ends' },
  merge: { create: mergeOperator, keying: 'ends' },
};

/** The table entry for `op`; a descriptor of an unknown kind (a newer library, a typo) is an error naming it. */
export function implementationOf(op: OperatorDesc, stage: string): OperatorEntry<OperatorDesc> {
  const entry = (OPERATORS as Record<string, OperatorEntry<any> | undefined>)[op.kind];
  if (entry === undefined) throw new TypeError(`Stage ${stage}: eager mode has no implementation of operator kind '${op.kind}'`);
  return entry;
}
