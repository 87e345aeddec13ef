import { generateReduceLoopSource } from './reduce-codegen';

const biasRelu = [['input', 'float32', 0], ['input', 'float32', 1], ['add', 'float32', 0, 1], ['relu', 'float32', 2]];

describe('generateReduceLoopSource', () => {
  it('folds each result into the accumulator; the elementwise value is never stored', () => {
    const src = generateReduceLoopSource(biasRelu, 'sum', 'fv');
    expect(src).toContain('const t0 = x0[p];');
    expect(src).toContain('const t1 = x1[r];');
    expect(src).toContain('acc = (acc + t3);');
    expect(src).toContain('out[o] = acc;');
    expect(src).not.toContain('out[p]');
  });

  it('hoists what reads only scalars before the loops, and what reads one value per row out of the inner loop', () => {
    const src = generateReduceLoopSource(
      [['input', 'float64', 0], ['exp', 'float64', 0], ['input', 'float64', 1], ['mul', 'float64', 1, 2], ['input', 'float64', 2], ['add', 'float64', 3, 4]],
      'max', 'srf',
    );
    const [before, row, inner] = src.split('for (');
    expect(before).toContain('const t1 = Math.exp(t0);');
    expect(row).toContain('const t3 = (t1 * t2);');
    expect(row).toContain('let acc = (-Infinity);');
    expect(inner).toContain('const t5 = (t3 + t4);');
    expect(inner).toContain('acc = (t5 > acc || t5 !== t5 ? t5 : acc);');
  });

  it('wraps integer sums as the int32 kernel does, and drops the NaN test for integer max/min', () => {
    const program = [['input', 'int32', 0], ['input', 'int32', 1], ['mul', 'int32', 0, 1]];
    expect(generateReduceLoopSource(program, 'sum', 'ff')).toContain('acc = ((acc + t2) | 0);');
    expect(generateReduceLoopSource(program, 'min', 'ff')).toContain('acc = (t2 < acc ? t2 : acc);');
    expect(generateReduceLoopSource([['input', 'float32', 0], ['const', 'float32', 0], ['greater', 'bool', 0, 1]], 'sum', 'f')).toContain('acc = ((acc + t2) | 0);');
  });

  it('builds text only from its tables, generated names and numbers', () => {
    const src = generateReduceLoopSource(
      [['input', 'float32', 0], ['const', 'float32', -1.5], ['pow', 'float32', 0, 1], ['input', 'float32', 1], ['maximum', 'float32', 2, 3]],
      'min', 'fr',
    );
    const words = new Set(src.match(/[A-Za-z_$][A-Za-z0-9_$]*/g));
    const allowed = /^(use|strict|return|function|fusedReduceLoop|ins|out|outer|m|base|undefined|const|let|for|o|p|r|acc|Math|fround|max|H|floatPow|Infinity|[xt][0-9]+)$/;
    expect([...words].filter((w) => !allowed.test(w))).toEqual([]);
  });

  it.each([
    ['an op name that is code', [['input', 'float32', 0], ['add; globalThis.pwned = 1; //', 'float32', 0, 0]], 'sum'],
    ['a constant that is a string', [['const', 'float32', '1); globalThis.pwned = 1; (']], 'sum'],
    ['a slot out of range', [['input', 'float32', 3]], 'sum'],
    ['a reduction that is code', [['input', 'float32', 0]], 'acc); globalThis.pwned = 1; ('],
    ['a reduction named constructor', [['input', 'float32', 0]], 'constructor'],
    ['a reduction the loop does not fold (mean)', [['input', 'float32', 0]], 'mean'],
  ])('refuses %s', (_, program, reduce) => {
    expect(() => generateReduceLoopSource(program, reduce, 'f')).toThrow(/^'fusedReduce' program /);
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });

  it('refuses input kinds other than f, s, v and r', () => {
    expect(() => generateReduceLoopSource(biasRelu, 'sum', 'f;')).toThrow("input kinds 'f;' are not f/s/v/r");
  });
});
