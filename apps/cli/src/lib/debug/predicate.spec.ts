import { tensor } from '@weir/dataflow';
import { parsePredicate, PredicateError } from './predicate';

describe('until conditions', () => {
  it.each([
    ['value > 10', { value: 11 }, true],
    ['value > 10', { value: 10 }, false],
    ['value >= 10', { value: 10 }, true],
    ['sensor == "s2"', { sensor: 's2' }, true],
    ["sensor = 's2'", { sensor: 's1' }, false],
    ['ok != true', { ok: false }, true],
    ['a.b < -1.5e0', { a: { b: -2 } }, true],
    ['value > 3', 4, true],
    ['x > 0.5', { x: tensor([0.1, 0.9]) }, true],
    ['x > 0.95', { x: tensor([0.1, 0.9]) }, false],
    ['missing > 1', { value: 5 }, false],
    ['value > 1', { value: 'text' }, false],
  ])('%s on %j is %s', (text, value, expected) => {
    expect(parsePredicate(text).test(value)).toBe(expected);
  });

  it('takes a stage scope', () => {
    const p = parsePredicate('map#1: mean >= 0.5');
    expect(p.stage).toBe('map#1');
    expect(p.test({ mean: 0.5 })).toBe(true);
  });

  it('never evaluates code: anything outside the grammar is an error that shows the grammar', () => {
    for (const text of ['process.exit(1)', 'value > process.pid', 'value > 1 || true', '(value) > 1', 'value >']) {
      expect(() => parsePredicate(text)).toThrow(PredicateError);
    }
    expect(() => parsePredicate('x >> 1')).toThrow(/expected a number, true, false or a quoted "text"/);
  });
});
