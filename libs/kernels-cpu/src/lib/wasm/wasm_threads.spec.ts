import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { FunctionBuilder } from './function_builder';
import { buildGemmModule, GEMM_TILE, PACK_B_EXPORT, rowsExport } from './gemm_module';
import { encodeModule, MemoryImport } from './module_encoder';
import { Op, ValType } from './opcodes';
import { WASM_PAGE_BYTES, wasmApi, WasmApi, WasmMemory } from './wasm_api';
import { defaultThreadCount, WasmThreads } from './wasm_threads';

const api = wasmApi() as WasmApi; // Node 20: WebAssembly with SIMD128 and shared memories
const PAGES = 16;
const sharedImport: MemoryImport = { module: 'env', name: 'memory', initial: PAGES, maximum: PAGES, shared: true };
const sharedMemory = (): WasmMemory => new api.Memory({ initial: PAGES, maximum: PAGES, shared: true });
const gemmBytes = buildGemmModule(GEMM_TILE, sharedImport);
const ROWS = rowsExport(GEMM_TILE.nv);

const { drop: DROP, i32_load: I32_LOAD, i32_store: I32_STORE, i32_eqz: I32_EQZ } = Op;

/**
 * `meet(me, other, oob, limit)`: stores 1 at `me`, polls `other` until it reads non-zero or `limit` polls
 * have passed, stores what it read last at `me + 8`, then, if `oob` is not 0, loads from `oob` (a trap past
 * the memory). Jobs `meet(0, 4, ..)` and `meet(4, 0, ..)` both read 1 only if they overlapped in time, on two
 * threads; one after the other, the first gives up and reads 0.
 */
function meetModule(): Uint8Array {
  const f = new FunctionBuilder([ValType.i32, ValType.i32, ValType.i32, ValType.i32], []);
  const [ME, OTHER, OOB, LIMIT] = [0, 1, 2, 3];
  const seen = f.local(ValType.i32);
  f.get(ME).i32Const(1).mem(I32_STORE);
  const polled = f.block();
  const poll = f.loop();
  f.get(OTHER).mem(I32_LOAD).set(seen);
  f.get(seen).brIf(polled);
  f.get(LIMIT).i32Const(0).op(Op.i32_le_s).brIf(polled);
  f.addConst(LIMIT, -1).br(poll).end().end();
  f.get(ME).get(seen).mem(I32_STORE, 8);
  const done = f.block();
  f.get(OOB).op(I32_EQZ).brIf(done);
  f.get(OOB).mem(I32_LOAD).op(DROP);
  f.end();
  return encodeModule({ memory: sharedImport, functions: [{ body: f, exportAs: 'meet' }] });
}

/** Polls for a second or so at most: a partner on another thread shows up within microseconds. */
const PATIENT = 1 << 28;
const OUT_OF_BOUNDS = PAGES * WASM_PAGE_BYTES;
const OOB_TEXT = 'RuntimeError: memory access out of bounds';

/** Runs `meet(0, 4, 0, limit)` and `meet(4, 0, 0, limit)`; returns what each read of the other's flag. */
function meet(pool: WasmThreads, memory: WasmMemory, limit: number): number[] {
  const flags = new Int32Array(memory.buffer, 0, 4);
  flags.fill(0);
  pool.run('meet', [[0, 4, 0, limit], [4, 0, 0, limit]]);
  return [flags[2], flags[3]];
}

/**
 * A GEMM `[m,k]·[k,n]` (n a multiple of 16) in `memory` through the pool's own instance: `load(seed)` writes
 * random A and B, packs B and poisons C with NaN; `jobs(parts)` are `rows_4` calls, each panel's rows cut
 * into `parts`; `result()` copies C's bits.
 */
function gemmIn(pool: WasmThreads, memory: WasmMemory, m: number, k: number, n: number) {
  const bPacked = 4 * k * n + 16;
  const aAt = 2 * bPacked;
  const cAt = aAt + 4 * m * k;
  expect(cAt + 4 * m * n).toBeLessThanOrEqual(memory.buffer.byteLength);
  const heap = new Float32Array(memory.buffer);
  const load = (seed: number): void => {
    let s = seed + 1;
    const random = (): number => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5;
    for (let i = 0; i < k * n; i++) heap[i] = random();
    for (let i = 0; i < m * k; i++) heap[aAt / 4 + i] = random();
    (pool.exports[PACK_B_EXPORT] as (...args: number[]) => void)(0, bPacked, k, n, n);
    heap.fill(NaN, cAt / 4, cAt / 4 + m * n);
  };
  const jobs = (parts: number): number[][] => {
    const rows = Math.ceil(m / parts / GEMM_TILE.mr) * GEMM_TILE.mr;
    const out: number[][] = [];
    for (let j0 = 0; j0 < n; j0 += 4 * GEMM_TILE.nv) {
      for (let i0 = 0; i0 < m; i0 += rows) out.push([aAt + 4 * i0 * k, bPacked + 4 * j0 * k, cAt + 4 * (i0 * n + j0), Math.min(rows, m - i0), k, 4 * k, 4 * n]);
    }
    return out;
  };
  const result = (): Uint32Array => new Uint32Array(memory.buffer, cAt, m * n).slice();
  return { load, jobs, result };
}

/** C for each seed computed with every job on the calling thread, one call after the other. */
function reference(pool: WasmThreads, g: ReturnType<typeof gemmIn>, seeds: number): Uint32Array[] {
  const rows = pool.exports[ROWS] as (...args: number[]) => void;
  return Array.from({ length: seeds }, (_, seed) => {
    g.load(seed);
    for (const job of g.jobs(1)) rows(...job);
    const c = g.result();
    expect(Array.from(new Float32Array(c.buffer)).every(Number.isFinite)).toBe(true);
    return c;
  });
}

const workersOf = (pool: WasmThreads): readonly Worker[] => (pool as unknown as { workers: readonly Worker[] }).workers;

describe('WasmThreads', () => {
  const pools: WasmThreads[] = [];
  const open = (bytes: Uint8Array, memory: WasmMemory, threads?: number): WasmThreads => {
    const pool = new WasmThreads(bytes, memory, threads === undefined ? {} : { threads });
    pools.push(pool);
    return pool;
  };
  afterAll(() => Promise.all(pools.map((p) => p.close())));

  it('runs two jobs at the same time, one on the caller and one on a worker', async () => {
    const memory = sharedMemory();
    const pool = open(meetModule(), memory, 2);
    expect(await pool.ready()).toBe(2);
    expect(meet(pool, memory, PATIENT)).toEqual([1, 1]);
  });

  it('splits a GEMM into rows_4 jobs over two threads to the same bits as one thread, 200 calls in a row', async () => {
    const memory = sharedMemory();
    const pool = open(gemmBytes, memory, 2);
    expect(await pool.ready()).toBe(2);
    const g = gemmIn(pool, memory, 1023, 61, 48); // 1023 rows: 4-row tiles, then 3 single rows; ~0.2 ms a call
    const expected = reference(pool, g, 3);
    for (let call = 0; call < 200; call++) {
      g.load(call % 3);
      const jobs = g.jobs(1 + (call % 8)); // 3 to 24 jobs for 2 threads
      pool.run(ROWS, jobs);
      if (g.result().some((bits, i) => bits !== expected[call % 3][i])) throw new Error(`call ${call} (${jobs.length} jobs) differs from one thread`);
    }
  });

  it('runs `alongside` on the caller while a worker takes the published job; a throw there waits for the job', async () => {
    const memory = sharedMemory();
    const pool = open(meetModule(), memory, 2);
    expect(await pool.ready()).toBe(2);
    const meetHere = pool.exports.meet as (...args: number[]) => void;
    const flags = new Int32Array(memory.buffer, 0, 4);
    flags.fill(0);
    // One job for the worker; the caller meets it from `alongside`: both read 1 only if they overlapped.
    pool.run('meet', [[4, 0, 0, PATIENT]], () => meetHere(0, 4, 0, PATIENT));
    expect([flags[2], flags[3]]).toEqual([1, 1]);
    flags.fill(0);
    expect(() => pool.run('meet', [[4, 0, 0, PATIENT]], () => {
      meetHere(0, 4, 0, PATIENT);
      throw new Error('the caller failed');
    })).toThrow('the caller failed');
    expect(flags[3]).toBe(1); // the job finished before run() threw
    pool.wake(); // only wakes: no job runs, nothing changes
    flags.fill(0);
    expect(meet(pool, memory, PATIENT)).toEqual([1, 1]);
  });

  it('runs `alongside` then the jobs on the caller where there are no workers', () => {
    const memory = sharedMemory();
    const pool = open(meetModule(), memory, 1);
    const order: string[] = [];
    pool.run('meet', [[4, 0, 0, 0]], () => order.push('alongside'));
    order.push(new Int32Array(memory.buffer, 0, 2)[1] === 1 ? 'job' : 'no job');
    expect(order).toEqual(['alongside', 'job']);
    pool.wake();
  });

  it('runs every job on the caller with threads: 1, one after the other', () => {
    const memory = sharedMemory();
    const pool = open(meetModule(), memory, 1);
    expect(pool.threads).toBe(1);
    expect(meet(pool, memory, 1000)).toEqual([0, 1]); // the first gave up waiting: nothing ran beside it
  });

  it('throws a trap on a worker on the caller, naming the export and the job; the pool works afterwards', async () => {
    const memory = sharedMemory();
    const pool = open(meetModule(), memory, 2);
    expect(await pool.ready()).toBe(2);
    // Let the worker stop spinning and sleep: the caller then claims job 0 before the worker wakes for job 1.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const run = (): void => pool.run('meet', [[0, 4, 0, PATIENT], [4, 0, OUT_OF_BOUNDS, PATIENT]]);
    expect(run).toThrow(`WasmThreads.run: meet(4, 0, ${OUT_OF_BOUNDS}, ${PATIENT}), job 1 of 2, failed on worker 1: ${OOB_TEXT}`);
    expect(meet(pool, memory, PATIENT)).toEqual([1, 1]);
    // Both jobs trap, one on each thread: the error names the first and counts the other.
    expect(() => pool.run('meet', [[0, 4, OUT_OF_BOUNDS, PATIENT], [4, 0, OUT_OF_BOUNDS, PATIENT]])).toThrow(/failed on (worker 1|the calling thread): RuntimeError: memory access out of bounds \(1 more of the 2 jobs failed too\)$/);
    expect(meet(pool, memory, PATIENT)).toEqual([1, 1]);
  });

  it('throws a trap on the caller with the RuntimeError as its cause, after running the other jobs', () => {
    const memory = sharedMemory();
    const pool = open(gemmBytes, memory, 1);
    const g = gemmIn(pool, memory, 16, 8, 16);
    const expected = reference(pool, g, 1)[0];
    g.load(0);
    const jobs = g.jobs(4);
    const bad = [OUT_OF_BOUNDS, ...jobs[1].slice(1)];
    let error: Error | undefined;
    try {
      pool.run(ROWS, [jobs[0], bad, ...jobs.slice(1)]);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toBe(`WasmThreads.run: ${ROWS}(${bad.join(', ')}), job 1 of 5, failed on the calling thread: ${OOB_TEXT}`);
    expect(String(error?.cause)).toBe(OOB_TEXT);
    expect(g.result()).toEqual(expected);
  });

  it('runs on the caller alone, without hanging, once its worker has died', async () => {
    const memory = sharedMemory();
    const pool = open(gemmBytes, memory, 2);
    expect(await pool.ready()).toBe(2);
    await workersOf(pool)[0].terminate();
    expect(pool.threads).toBe(1);
    const g = gemmIn(pool, memory, 64, 16, 32);
    const expected = reference(pool, g, 1)[0];
    g.load(0);
    pool.run(ROWS, g.jobs(4));
    expect(g.result()).toEqual(expected);
  });

  it('ends its workers on close(), and refuses to run after', async () => {
    const pool = open(gemmBytes, sharedMemory(), 2);
    expect(await pool.ready()).toBe(2);
    const exited = new Promise((resolve) => workersOf(pool)[0].once('exit', resolve));
    await pool.close();
    await exited;
    expect(pool.threads).toBe(1);
    expect(() => pool.run(ROWS, [])).toThrow(`WasmThreads.run('${ROWS}'): called after close()`);
  }, 10000);

  it('checks the export, the arguments and the thread count', () => {
    const pool = open(meetModule(), sharedMemory(), 1);
    expect(() => pool.run('rows_4', [])).toThrow("WasmThreads.run: the module has no function export 'rows_4' (it exports meet)");
    expect(() => pool.run('meet', [[0, 4, 0, 1], [0, 4, 0]])).toThrow("WasmThreads.run: job 1 of 'meet' has 3 arguments; the export takes 4");
    expect(() => pool.run('meet', [[0, 4, 0.5, 1]])).toThrow("WasmThreads.run: job 0 of 'meet' has an argument that is not an i32: 0, 4, 0.5, 1");
    expect(() => pool.run('meet', [[0, 4, 2 ** 32, 1]])).toThrow('not an i32');
    expect(() => new WasmThreads(meetModule(), sharedMemory(), { threads: 0 })).toThrow("WasmThreads: 'threads' is 0; expected an integer >= 1");
  });

  it('starts no workers on a memory that is not shared, and availableParallelism (capped) threads by default', async () => {
    const unshared = new api.Memory({ initial: 1 });
    const pool = open(buildGemmModule(GEMM_TILE, { module: 'env', name: 'memory', initial: 1 }), unshared, 2);
    expect(pool.threads).toBe(1);
    expect(await open(gemmBytes, sharedMemory()).ready()).toBe(defaultThreadCount());
  });

  it('never keeps a process alive: a script that does not close its pool exits by itself', () => {
    const script = [
      `const { buildGemmModule, GEMM_TILE } = require(${JSON.stringify(join(__dirname, 'gemm_module'))});`,
      `const { WasmThreads } = require(${JSON.stringify(join(__dirname, 'wasm_threads'))});`,
      `const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });`,
      `const pool = new WasmThreads(buildGemmModule(GEMM_TILE, { module: 'env', name: 'memory', initial: 1, maximum: 1, shared: true }), memory, { threads: 2 });`,
      `pool.ready().then((n) => { pool.run('rows_4', [[0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0]]); process.stdout.write('threads ' + n + '\\n'); });`,
    ].join('\n');
    const child = spawnSync(process.execPath, [require.resolve('tsx/cli'), '-e', script], { encoding: 'utf8', timeout: 30000 });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('threads 2\n');
    expect(child.status).toBe(0); // null if the timeout had to kill it
  });
});
