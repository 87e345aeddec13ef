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

/**
 * `tally(counter, marker, spins)`: adds 1 to the i32 at `counter`, copies the i32 at `marker` to `counter + 4`,
 * then counts `spins` down (a job that takes a while, so the threads share the work).
 */
function tallyModule(): Uint8Array {
  const f = new FunctionBuilder([ValType.i32, ValType.i32, ValType.i32], []);
  const [COUNTER, MARKER, SPINS] = [0, 1, 2];
  f.get(COUNTER).get(COUNTER).mem(I32_LOAD).i32Const(1).op(Op.i32_add).mem(I32_STORE);
  f.get(COUNTER).get(MARKER).mem(I32_LOAD).mem(I32_STORE, 4);
  const done = f.block();
  const spin = f.loop();
  f.get(SPINS).i32Const(0).op(Op.i32_le_s).brIf(done);
  f.addConst(SPINS, -1).br(spin).end().end();
  return encodeModule({ memory: sharedImport, functions: [{ body: f, exportAs: 'tally' }] });
}

/**
 * Polls for a few seconds at most (the largest i32): a partner on another thread shows up within
 * microseconds on a quiet machine, but with the CI's test projects running at once on two cores a worker
 * thread has been seen to wait over 0.3 s (2^28 polls) for its core.
 */
const PATIENT = 0x7fffffff;
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
  /** A two-thread pool of meetModule, its workers ready, its flags cleared, and `meet` on the caller. */
  const meetPool = async () => {
    const memory = sharedMemory();
    const pool = open(meetModule(), memory, 2);
    expect(await pool.ready()).toBe(2);
    const meetHere = pool.exports.meet as (...args: number[]) => void;
    const flags = new Int32Array(memory.buffer, 0, 4);
    flags.fill(0);
    return { memory, pool, meetHere, flags };
  };

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
    const { memory, pool, meetHere, flags } = await meetPool();
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
    const { memory, pool, meetHere } = await meetPool();
    // The caller, in \`alongside\`, waits for the job's flag: only a worker can have run the job, which then traps.
    const run = (): void => pool.run('meet', [[4, 0, OUT_OF_BOUNDS, PATIENT]], () => meetHere(0, 4, 0, PATIENT));
    expect(run).toThrow(`WasmThreads.run: meet(4, 0, ${OUT_OF_BOUNDS}, ${PATIENT}), job 0 of 1, failed on worker 1: ${OOB_TEXT}`);
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

  describe('runStaged', () => {
    /** Job j's counter at 64 + 16 j, its marker (what `stage` writes: 1) at 8 + 4 j... below 64 for 14 jobs: use the top half. */
    const counterAt = (j: number): number => 65536 + 16 * j;
    const markerAt = (j: number): number => 4 * j;
    /** Runs `count` tally jobs staged; returns which jobs `stage` and `self` saw, in order, and each job's [count, marker]. */
    function tallies(pool: WasmThreads, memory: WasmMemory, count: number, spins: number) {
      const i32 = new Int32Array(memory.buffer);
      i32.fill(0, 0, count);
      i32.fill(0, counterAt(0) / 4, counterAt(count) / 4);
      const tally = pool.exports.tally as (...args: number[]) => void;
      const staged: number[] = [];
      const self: number[] = [];
      const jobs = Array.from({ length: count }, (_, j) => [counterAt(j), markerAt(j), spins]);
      pool.runStaged(
        'tally',
        jobs,
        (j) => {
          staged.push(j);
          i32[markerAt(j) / 4] = 1;
        },
        (j, feed) => {
          self.push(j);
          i32[markerAt(j) / 4] = 2;
          feed();
          tally(counterAt(j), markerAt(j), spins);
        },
      );
      const seen = Array.from({ length: count }, (_, j) => [i32[counterAt(j) / 4], i32[counterAt(j) / 4 + 1]]);
      return { staged, self, seen };
    }

    it('has a worker run a staged job from the front while the caller runs one from the back its own way, at the same time', async () => {
      const { pool, meetHere, flags } = await meetPool();
      const order: string[] = [];
      // Job 0 is staged first (one job ahead for the one worker), job 1 perhaps (if the worker took job 0 at
      // once); the caller takes job 2 from the back. Job 1 returns at once.
      const jobs = [[4, 0, 0, PATIENT], [8, 12, 0, 0], [0, 4, 0, PATIENT]];
      pool.runStaged('meet', jobs, (j) => order.push(`stage ${j}`), (j) => {
        order.push(`self ${j}`);
        meetHere(...jobs[j]);
      });
      expect(order[0]).toBe('stage 0');
      expect(order).toContain('self 2');
      expect([flags[2], flags[3]]).toEqual([1, 1]); // both saw the other's flag: they overlapped
    });

    it('runs the interlude once on the caller, after staging jobs ahead, while a worker computes; what it throws is thrown after', async () => {
      const { memory, pool, meetHere, flags } = await meetPool();
      const jobs = [[4, 0, 0, PATIENT], [8, 12, 0, 0], [16, 20, 0, 0], [24, 28, 0, 0], [32, 36, 0, 0]];
      let staged = 0;
      const seen: number[] = [];
      const run = (interlude: () => void): void => pool.runStaged('meet', jobs, () => staged++, (j) => meetHere(...jobs[j]), interlude);
      run(() => {
        seen.push(staged);
        meetHere(0, 4, 0, PATIENT); // meets job 0 on the worker
      });
      expect(seen.length).toBe(1);
      expect(seen[0]).toBeGreaterThanOrEqual(3); // the next job and two more for the one worker
      expect([flags[2], flags[3]]).toEqual([1, 1]);
      flags.fill(0);
      expect(() => run(() => {
        meetHere(0, 4, 0, PATIENT);
        throw new Error('the interlude failed');
      })).toThrow('the interlude failed');
      expect(flags[3]).toBe(1); // job 0 ran to the end before runStaged threw
      flags.fill(0);
      expect(meet(pool, memory, PATIENT)).toEqual([1, 1]);
    });

    it('gives the worker job 0 of every run, however soon the next run follows (3000 back to back)', async () => {
      const { pool, meetHere, flags } = await meetPool();
      // The interlude meets job 0, which only a worker can be running then. A worker still looping over the
      // last run once took index 0 of the next without claiming it (its round was old), leaving job 0 to
      // the caller's sweep: the interlude waited in vain (5 runs in 3000 before FRONT carried the run's tag).
      let missed = 0;
      for (let run = 0; run < 3000; run++) {
        flags.fill(0);
        pool.runStaged('meet', [[4, 0, 0, PATIENT], [64, 68, 0, 0]], () => undefined, () => meetHere(64, 68, 0, 0), () => meetHere(0, 4, 0, PATIENT));
        if (flags[2] !== 1 || flags[3] !== 1) missed++;
      }
      expect(missed).toBe(0);
    });

    it('runs every job exactly once and a staged one only after its stage: the front staged, the back its own way, 300 calls', async () => {
      const memory = sharedMemory();
      const pool = open(tallyModule(), memory, 2);
      expect(await pool.ready()).toBe(2);
      let [stagedJobs, selfJobs] = [0, 0];
      for (let call = 0; call < 300; call++) {
        const count = 1 + (call % 40);
        const { staged, self, seen } = tallies(pool, memory, count, call % 3 === 0 ? 0 : 2000);
        const front = Array.from({ length: staged.length }, (_, j) => j);
        const back = Array.from({ length: self.length }, (_, j) => count - 1 - j);
        const runs = JSON.stringify({ staged, self, seen });
        expect(`call ${call}: ${JSON.stringify({ staged, self })}`).toBe(`call ${call}: ${JSON.stringify({ staged: front, self: back })}`);
        expect(staged.length + self.length).toBe(count);
        // A staged job saw its marker (1): it ran after its stage; the caller's own saw 2.
        seen.forEach(([n, marker], j) => {
          if (n !== 1 || marker !== (j < staged.length ? 1 : 2)) throw new Error(`call ${call}, job ${j}: ran ${n} times, saw marker ${marker}: ${runs}`);
        });
        stagedJobs += staged.length;
        selfJobs += self.length;
      }
      expect(stagedJobs).toBeGreaterThan(300); // the worker takes staged jobs: more than one a call
      expect(selfJobs).toBeGreaterThan(300);
    });

    it('throws what stage or self throws once the workers are done, names a trap on a worker, and runs again after', async () => {
      const memory = sharedMemory();
      const pool = open(tallyModule(), memory, 2);
      expect(await pool.ready()).toBe(2);
      const jobs = Array.from({ length: 12 }, (_, j) => [counterAt(j), markerAt(j), 5000]);
      const tally = pool.exports.tally as (...args: number[]) => void;
      // Staging job 0 fails: the jobs not staged are cancelled (a worker that took job 0 skips it).
      expect(() => pool.runStaged('tally', jobs, (j) => {
        if (j === 0) throw new Error('stage 0 failed');
      }, (j, feed) => {
        feed();
        tally(...jobs[j]);
      })).toThrow('stage 0 failed');
      expect(() => pool.runStaged('tally', jobs, () => undefined, () => {
        throw new Error('self failed');
      })).toThrow('self failed');
      const bad = [OUT_OF_BOUNDS, 0, 0];
      // Job 0 is staged ahead for the worker, so it traps there (or in the caller's sweep if the worker was late).
      expect(() => pool.runStaged('tally', [bad, ...jobs.slice(1)], () => undefined, (j, feed) => {
        feed();
        tally(...jobs[j]);
      })).toThrow(new RegExp(`^WasmThreads.run: tally\\(${OUT_OF_BOUNDS}, 0, 0\\), job 0 of 12, failed on (worker 1|the calling thread): ${OOB_TEXT}$`));
      for (let call = 0; call < 20; call++) {
        const { seen } = tallies(pool, memory, 12, 1000);
        expect(seen.every(([n]) => n === 1)).toBe(true);
      }
    });

    it('runs every job its own way on the caller without workers, and stages all of a run too big for the control block', async () => {
      const memory = sharedMemory();
      const alone = open(tallyModule(), memory, 1);
      const { staged, self, seen } = tallies(alone, memory, 5, 0);
      expect({ staged, self }).toEqual({ staged: [], self: [0, 1, 2, 3, 4] });
      expect(seen).toEqual([[1, 2], [1, 2], [1, 2], [1, 2], [1, 2]]);
      const pool = open(tallyModule(), memory, 2);
      expect(await pool.ready()).toBe(2);
      const big = tallies(pool, memory, 1500, 0);
      expect(big.staged).toEqual(Array.from({ length: 1500 }, (_, j) => j));
      expect(big.seen.every(([n, marker]) => n === 1 && marker === 1)).toBe(true);
    });
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
