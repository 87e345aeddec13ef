import { Observable, Subject } from 'rxjs';
import { OpError, PipelineError } from '@weir/dataflow';
import { envelope, type Envelope } from './envelope';
import { stageError, subscribeStage, type StageContext } from './stage';

const ctx: StageContext = {
  stage: 'map#3',
  keyed: false,
  nested: () => {
    throw new Error('not used');
  },
  gated: (_gate, subscribe) => subscribe(),
};

function run(handlers: Parameters<typeof subscribeStage>[3], input: Subject<Envelope>) {
  const errors: unknown[] = [];
  const values: unknown[] = [];
  new Observable<Envelope>((out) => subscribeStage(input, out, ctx, handlers)).subscribe({
    next: (v) => values.push(v.value),
    error: (e) => errors.push(e),
  });
  return { errors, values };
}

describe('stageError', () => {
  it('names the stage, the op of an OpError, and the source element', () => {
    const e = stageError('map#1', 2, new OpError('gather', "Argument 'indices' passed to 'gather' is out of range"));
    expect(e).toBeInstanceOf(PipelineError);
    expect(e.message).toBe("Stage map#1 (op 'gather') failed on source element 2: Argument 'indices' passed to 'gather' is out of range");
  });
});

describe('subscribeStage', () => {
  it('routes what a next handler throws to the error channel, with the element source index', () => {
    const input = new Subject<Envelope>();
    const { errors, values } = run(
      {
        next: (env) => {
          if (env.value === 'bad') throw new Error('rejected');
        },
      },
      input,
    );
    input.next(envelope('ok', 4));
    expect(() => input.next(envelope('bad', 7))).not.toThrow();
    expect(values).toEqual([]);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('Stage map#3 failed on source element 7: rejected');
  });

  it('routes a throwing completion handler too, naming the last element seen', () => {
    const input = new Subject<Envelope>();
    const { errors } = run(
      {
        next: () => undefined,
        complete: () => {
          throw new Error('flush failed');
        },
      },
      input,
    );
    input.next(envelope(1, 5));
    input.next(envelope(2, undefined));
    expect(() => input.complete()).not.toThrow();
    expect((errors[0] as Error).message).toBe('Stage map#3 failed on source element 5: flush failed');
  });

  it('passes upstream errors through unchanged', () => {
    const input = new Subject<Envelope>();
    const { errors } = run({ next: () => undefined }, input);
    const upstream = new PipelineError('source', 0, new Error('gone'));
    input.error(upstream);
    expect(errors).toEqual([upstream]);
  });
});
