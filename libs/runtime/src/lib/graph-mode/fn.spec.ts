// fn() lives in @weir/dataflow, but running graphs needs kernels, which only the runtime wires in; so its
// behaviour is tested here.
import { fn, ops, setPrintSink, setRunEagerly, setWarningHandler, spec, tensor, Tensor, TracerConversionError } from '@weir/dataflow';
import '../../index';

describe('fn', () => {
  afterEach(() => setRunEagerly(false));

  it('computes the same as the eager function and traces once per signature', () => {
    const f = fn((x: Tensor, y: Tensor) => ops.add(ops.mul(x, y), 1));
    const a = tensor([1, 2, 3]);
    const b = tensor([4, 5, 6]);
    expect(f(a, b).toArray()).toEqual([5, 11, 19]);
    expect(f(tensor([0, 0, 1]), b).toArray()).toEqual([1, 1, 7]);
    expect(f.traceCount).toBe(1);
    f(tensor([1, 2]), tensor([3, 4]));
    expect(f.traceCount).toBe(2);
    expect(f.signatures()).toEqual(['(x: float32[3], y: float32[3])', '(x: float32[2], y: float32[2])']);
  });

  it('keys plain JS arguments by value, as TensorFlow does', () => {
    const scale = fn((x: Tensor, k: number) => ops.mul(x, k));
    expect(scale(tensor([1, 2]), 3).toArray()).toEqual([3, 6]);
    expect(scale(tensor([1, 2]), 3).toArray()).toEqual([3, 6]);
    expect(scale.traceCount).toBe(1);
    expect(scale(tensor([1, 2]), 4).toArray()).toEqual([4, 8]);
    expect(scale.traceCount).toBe(2);
  });

  it('accepts any size in a null dimension of inputSignature', () => {
    const rowSums = fn((x: Tensor) => ops.sum(x, 1), { inputSignature: [spec([null, 3], 'float32')] });
    expect(rowSums(tensor([[1, 2, 3]])).toArray()).toEqual([6]);
    expect(rowSums(tensor([[1, 2, 3], [4, 5, 6]])).toArray()).toEqual([6, 15]);
    // A dynamic step keeps its last inference: each size change must infer again, and a repeat reuse it.
    expect(rowSums(tensor([[7, 8, 9]])).toArray()).toEqual([24]);
    expect(rowSums(tensor([[1, 1, 1]])).toArray()).toEqual([3]);
    expect(rowSums.traceCount).toBe(1);
    expect(() => rowSums(tensor([[1, 2]]))).toThrow("fn 'anonymous': 'x' (argument 0) is float32[1,2], which does not match its inputSignature float32[?,3]");
  });

  it('unrolls a JS for loop over a number: power(x, n)', () => {
    const power = fn((x: Tensor, n: number) => {
      let r = ops.eye(x.shape[0], x.dtype);
      for (let i = 0; i < n; i++) r = ops.matmul(r, x);
      return r;
    });
    const x = tensor([[1, 1], [0, 1]], 'int32');
    expect(power(x, 5).toArray()).toEqual([[1, 5], [0, 1]]);
    const [asTraced, ...afterPasses] = power.explain().split('\nafter ');
    expect(asTraced.match(/= matmul\(/g)?.length).toBe(5);
    // Integer matmul chains become repeated squaring (exact: int32 arithmetic wraps, so it associates).
    expect(afterPasses.join()).toContain('matmulPower: replaced');
  });

  it('runs console.log only while tracing, but ops.print on every call', () => {
    const lines: string[] = [];
    const prev = setPrintSink((l) => lines.push(l));
    let jsSideEffects = 0;
    try {
      const f = fn((x: Tensor) => {
        jsSideEffects++;
        ops.print('x is', x);
        return ops.mul(x, 2);
      });
      f(tensor([1]));
      f(tensor([2]));
      f(tensor([3]));
      expect(jsSideEffects).toBe(1);
      expect(lines).toEqual(['x is Tensor(float32, [1], [1])', 'x is Tensor(float32, [1], [2])', 'x is Tensor(float32, [1], [3])']);
    } finally {
      setPrintSink(prev);
    }
  });

  it('captures JS values as constants at trace time', () => {
    let k = 2;
    const f = fn((x: Tensor) => ops.mul(x, k));
    expect(f(tensor([1, 2])).toArray()).toEqual([2, 4]);
    k = 10; // the traced graph holds the value it captured
    expect(f(tensor([1, 2])).toArray()).toEqual([2, 4]);
  });

  it('traces both branches of ops.cond and selects by the predicate', () => {
    const f = fn((x: Tensor) => ops.cond(ops.greater(ops.sum(x), 0), () => ops.mul(x, 2), () => ops.neg(x)));
    expect(f(tensor([1, 2])).toArray()).toEqual([2, 4]);
    expect(f(tensor([-1, -2])).toArray()).toEqual([1, 2]);
    expect(f.traceCount).toBe(1);
    expect(f.explain()).toContain('where(');
  });

  it('refuses a traced ops.cond whose branches give different dtypes or shapes (eager would give either)', () => {
    // Found by the differential harness (seed 11): where() promoted float64 and float32 to float64, while
    // eager returned the chosen branch's float32.
    const mixed = fn((x: Tensor) => ops.cond(ops.greater(ops.sum(x), 0), () => ops.cast(x, 'float64'), () => ops.neg(x)));
    expect(() => mixed(tensor([1, 2]))).toThrow("'cond': the branches give float64[2] and float32[2] at result; both must give the same dtype and shape (cast one of them)");
    const shapes = fn((x: Tensor) => ops.cond(ops.greater(ops.sum(x), 0), () => ops.sum(x), () => x));
    expect(() => shapes(tensor([1, 2]))).toThrow('float32[] and float32[2]');
    // A plain number adapts to the other branch, as everywhere.
    const withNumber = fn((x: Tensor) => ops.cond(ops.greater(ops.sum(x), 0), () => ops.sum(x), () => 0 as unknown as Tensor));
    expect(withNumber(tensor([-1, -2])).toArray()).toEqual(0);
  });

  it('throws a clear error when a tracer is used as a JS number or string', () => {
    const branchy = fn((x: Tensor) => ((ops.sum(x) as unknown as number) > 0 ? x : ops.neg(x)));
    expect(() => branchy(tensor([1]))).toThrow(TracerConversionError);
    expect(() => branchy(tensor([1]))).toThrow("Cannot use a traced tensor (the output of op 'sum') as a JS number or boolean while tracing");
    expect(() => branchy(tensor([1]))).toThrow('ops.where(cond, a, b) or ops.cond(pred, thenFn, elseFn)');
    const stringy = fn((x: Tensor) => `${x}`);
    expect(() => stringy(tensor([1]))).toThrow("Cannot use a traced tensor (the output of op 'input 'x'') as a JS string");
  });

  it('is non-strict: an unused op that would throw eagerly does not run (the TF guide gather example)', () => {
    const unusedReturn = (x: Tensor) => {
      ops.gather(x, tensor([1], 'int32')); // out of range for a 1-element x, and unused
      return x;
    };
    expect(() => unusedReturn(tensor([0]))).toThrow(/gather/);
    expect(fn(unusedReturn)(tensor([0])).toArray()).toEqual([0]);
  });

  it('runs the function itself while setRunEagerly(true) is on', () => {
    let calls = 0;
    const f = fn((x: Tensor) => {
      calls++;
      return ops.add(x, 1);
    });
    setRunEagerly(true);
    f(tensor([1]));
    f(tensor([1]));
    expect(calls).toBe(2);
    expect(f.traceCount).toBe(0);
  });

  it('warns once when it retraces often, naming the argument and what changed', () => {
    const warnings: string[] = [];
    const prev = setWarningHandler((w) => warnings.push(w.message));
    const f = fn(function grow(x: Tensor) {
      return ops.mul(x, 2);
    });
    try {
      for (let n = 1; n <= 4; n++) f(ops.zeros([n]));
      expect(warnings).toHaveLength(0); // 4 traces in 4 calls: not yet
      for (let n = 5; n <= 8; n++) f(ops.zeros([n]));
      expect(warnings).toHaveLength(1); // warned once, not on every later retrace
      expect(warnings[0]).toContain("fn 'grow' retraced 5 or more times in its last 10 calls");
      expect(warnings[0]).toContain("'x' (argument 0) dimension 0 changed from 4 to 5");
      expect(warnings[0]).toContain(`spec([null], 'float32')`);
    } finally {
      setWarningHandler(prev);
    }
  });

  it('explains the graph as traced and after each pass that changed it', () => {
    const fused = fn(function affine(x: Tensor) {
      return ops.add(ops.mul(x, 2), 1);
    });
    expect(fused(tensor([1, 2])).toArray()).toEqual([3, 5]);
    const text = fused.explain();
    expect(text).toContain('fn affine(x: float32[2]), as traced (5 nodes):');
    expect(text).toMatch(/after fusion: fused 2 nodes into 1/);
  });

  it('explains the traced graph (passes off)', () => {
    const f = fn(function affine(x: Tensor) {
      return ops.add(ops.mul(x, 2), 1);
    }, { passes: { fusion: false } });
    f(tensor([1, 2]));
    expect(f.explain()).toBe(
      [
        'fn affine(x: float32[2])',
        '  %0 = input x : float32[2]',
        '  %1 = const float32[] 2',
        '  %2 = mul(%0, %1) : float32[2]',
        '  %3 = const float32[] 1',
        '  %4 = add(%2, %3) : float32[2]',
        '  return %4',
      ].join('\n'),
    );
  });
});
