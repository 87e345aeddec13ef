import { formatFusedProgram } from './fusion-format';

describe('formatFusedProgram', () => {
  it('writes a program as an expression over the node inputs', () => {
    const program = [['input', 'float32', 0], ['const', 'float32', 2], ['mul', 'float32', 0, 1], ['input', 'float32', 1], ['add', 'float32', 2, 3], ['relu', 'float32', 4]];
    expect(formatFusedProgram(program)).toBe('relu(($0 * 2) + $1)');
  });

  it('names a value used more than once, and shows casts and where', () => {
    const program = [['input', 'int32', 0], ['square', 'int32', 0], ['mul', 'int32', 1, 1], ['cast', 'float32', 2], ['const', 'float32', 0], ['greater', 'bool', 3, 4], ['where', 'float32', 5, 3, 4]];
    expect(formatFusedProgram(program)).toBe('v1 = square($0); v3 = cast(v1 * v1, float32); where(greater(v3, 0), v3, 0)');
  });

  it('writes -0 as -0 (a masked sum adds -0 for dropped rows, which String() would show as 0)', () => {
    expect(formatFusedProgram([['input', 'float64', 0], ['const', 'float64', -0], ['add', 'float64', 0, 1]])).toBe('$0 + -0');
  });

  it('does not throw on something that is not a program', () => {
    expect(formatFusedProgram('nope')).toBe('?');
  });
});
