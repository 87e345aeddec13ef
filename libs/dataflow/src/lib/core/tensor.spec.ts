import { tensor, Tensor } from '../../index';

describe('tensor()', () => {
  it('infers shape and dtype from nested arrays', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual([2, 3]);
    expect(t.rank).toBe(2);
    expect(t.size).toBe(6);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('makes bool tensors from booleans, stored as 0/1', () => {
    const t = tensor([true, false]);
    expect(t.dtype).toBe('bool');
    expect(t.data).toBeInstanceOf(Uint8Array);
    expect(t.toArray()).toEqual([true, false]);
  });

  it('makes scalars of rank 0', () => {
    const t = tensor(3, 'int32');
    expect(t.shape).toEqual([]);
    expect(t.item()).toBe(3);
    expect(t.toArray()).toBe(3);
  });

  it('shares a typed array of the same dtype (zero-copy) and checks its length against the shape', () => {
    const data = new Float32Array(6);
    const t = tensor(data, 'float32', [2, 3]);
    expect(t.data).toBe(data);
    expect(() => tensor(new Float32Array(5), 'float32', [2, 3])).toThrow(
      "Argument 'values' passed to 'tensor' has length 5, but shape [2,3] needs 6 elements",
    );
  });

  it('rejects ragged arrays, naming the element', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow("Argument 'values' passed to 'tensor' is ragged: element [1] has length 1; expected 2");
    expect(() => tensor([[1, 2], 3] as any)).toThrow("Argument 'values' passed to 'tensor' is ragged: element [1] is a number; expected an array of length 2");
  });

  it('rejects an unknown dtype', () => {
    expect(() => tensor([1], 'float16' as any)).toThrow(
      `Argument 'dtype' passed to 'tensor': unknown dtype "float16"; expected one of bool, uint8, int32, float32, float64`,
    );
  });

  it('item() needs exactly one element', () => {
    expect(() => tensor([1, 2]).item()).toThrow('item() needs a tensor with exactly one element; this one has shape [2]');
  });

  it('prints dtype, shape and values', () => {
    expect(tensor([1, 2], 'int32').toString()).toBe('Tensor(int32, [2], [1,2])');
    expect(tensor([1]) instanceof Tensor).toBe(true);
  });
});
