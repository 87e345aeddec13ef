import type { Observable } from 'rxjs';
import { describeOperator, type FlowLike } from '@weir/dataflow';
import type { Driver } from './driver';
import type { Envelope } from './envelope';
import { implementationOf } from './operators';
import { sourceObservable } from './source';
import type { StageContext } from './stage';

/**
 * Builds the envelope stream of `flow` for one run: its source paced by `driver`, then each operator's
 * implementation, looked up by descriptor kind. Stage names are `kind#position`; a flow nested under zip or
 * merge gets its parent's stage as a prefix (`zip#2/map#0`, `zip#2/source`), so an error names which flow
 * failed. Nothing runs until the result is subscribed and the driver pulls.
 *
 * ```ts
 * evaluate(from([1, 2]).pipe(map((x) => x + 1)), new Driver()); // envelopes {value: 2, src: 0}, {value: 3, src: 1}
 * ```
 */
export function evaluate(flow: FlowLike, driver: Driver, prefix = ''): Observable<Envelope> {
  if (flow.source === null) {
    throw new TypeError(
      `${prefix === '' ? 'eager()' : `Stage ${prefix.slice(0, -1)}`} needs a Flow with a source; bind a pipeline(...) to one with from(...).pipe(transform)`,
    );
  }
  let stream = sourceObservable(flow.source, driver, `${prefix}source`);
  let keyed = false;
  flow.operators.forEach((op, position) => {
    const stage = `${prefix}${describeOperator(op, position)}`;
    const entry = implementationOf(op, stage);
    const ctx: StageContext = {
      stage,
      keyed,
      nested: (other) => evaluate(other, driver, `${stage}/`),
      gated: (gate, subscribe) => driver.gated(gate, subscribe),
    };
    stream = stream.pipe(entry.create(op, ctx));
    keyed = entry.keying === 'starts' ? true : entry.keying === 'ends' ? false : keyed;
  });
  return stream;
}
