import { generateLoopSource } from './codegen';

const relu2x = [['input', 'float32', 0], ['const', 'float32', 2], ['mul', 'float32', 0, 1], ['relu', 'float32', 2]];

describe('generateLoopSource', () => {
  it('builds a flat loop from the templates, rounding every float32 step', () => {
    const src = generateLoopSource(relu2x, 'f');
    expect(src).toContain('for (let i = 0; i < n; i++)');
    expect(src).toContain('const t2 = Math.fround((t0 * t1));');
    expect(src).toContain('out[i] = t3;');
    expect(src).not.toContain('shape[');
  });

  it('uses the integer templates and the store of each dtype', () => {
    const src = generateLoopSource(
      [['input', 'int32', 0], ['mul', 'int32', 0, 0], ['floorDiv', 'int32', 1, 0], ['cast', 'uint8', 2], ['cast', 'bool', 3]],
      'f',
    );
    expect(src).toContain('const t1 = (Math.imul(t0, t0) | 0);');
    expect(src).toContain('const t2 = (H.intFloorDiv(t1, t0) | 0);');
    expect(src).toContain('const t3 = (t2 & 255);');
    expect(src).toContain('const t4 = (t3 !== 0 ? 1 : 0);');
  });

  it('computes what depends on no per-element input once, before the loop', () => {
    const src = generateLoopSource([['input', 'float64', 0], ['exp', 'float64', 0], ['input', 'float64', 1], ['add', 'float64', 1, 2]], 'sf');
    const [before, loop] = src.split('for (');
    expect(before).toContain('const t1 = Math.exp(t0);');
    expect(before).toContain('const t0 = x0[0];');
    expect(loop).toContain('const t2 = x1[i];');
  });

  it('walks broadcast inputs with strides over an odometer', () => {
    const src = generateLoopSource([['input', 'float32', 0], ['input', 'float32', 1], ['add', 'float32', 0, 1]], 'bb');
    expect(src).toContain('for (let j = 0, i0 = o0, i1 = o1; j < inner; j++, i0 += in0, i1 += in1)');
    expect(src).toContain('if (++idx[d] < shape[d]) break;');
  });

  it('builds text only from its tables, generated names and numbers', () => {
    const src = generateLoopSource(
      [['input', 'float32', 0], ['const', 'float32', -1.5], ['pow', 'float32', 0, 1], ['const', 'float32', NaN], ['maximum', 'float32', 2, 3]],
      'f',
    );
    // Every identifier in the source is a keyword, a generated name, or a name from the templates.
    const words = new Set(src.match(/[A-Za-z_$][A-Za-z0-9_$]*/g));
    const allowed = /^(use|strict|return|function|fusedLoop|ins|out|n|shape|strides|const|let|for|i|j|p|d|rank|inner|idx|Int32Array|length|break|Math|fround|max|H|floatPow|NaN|[xtio][0-9]+|st[0-9]+|in[0-9]+)$/;
    expect([...words].filter((w) => !allowed.test(w))).toEqual([]);
  });

  it.each([
    ['an op name that is code', [['input', 'float32', 0], ['add; globalThis.pwned = 1; //', 'float32', 0, 0]]],
    ['a built-in property name as op', [['input', 'float32', 0], ['constructor', 'float32', 0]]],
    ['a dtype that is code', [['input', 'float32);globalThis.pwned=1;(', 0]]],
    ['a constant that is a string', [['const', 'float32', '1); globalThis.pwned = 1; (']]],
    ['a reference that is a string', [['input', 'float32', 0], ['neg', 'float32', '0]; globalThis.pwned = 1; //']]],
    ['a reference to a later instruction', [['input', 'float32', 0], ['neg', 'float32', 1]]],
    ['a slot out of range', [['input', 'float32', 3]]],
    ['a fractional slot', [['input', 'float32', 0.5]]],
    ['the wrong number of arguments', [['input', 'float32', 0], ['add', 'float32', 0]]],
    ['not a list', 'return 1'],
  ])('refuses %s', (_, program) => {
    expect(() => generateLoopSource(program, 'f')).toThrow(/^'fused' program /);
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });

  it('refuses input kinds other than f, s and b', () => {
    expect(() => generateLoopSource(relu2x, 'f;x')).toThrow("input kinds 'f;x' are not f/s/b");
  });
});
