import { createReadStream, createWriteStream, existsSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline as pipeStreams } from 'node:stream/promises';

/** `-` stands for stdin (input) or stdout (output). */
export const STDIO = '-';

/** Bytes per read from a file: large enough that per-chunk overhead vanishes, small enough to stay bounded. */
export const READ_CHUNK = 1 << 20;

/** How a connector names its input in messages: the path, or `<stdin>`. */
export function displayName(path: string): string {
  return path === STDIO ? '<stdin>' : path;
}

/** A byte stream for a path or `-`. A missing file is an InputError (bad usage), not a crash. */
export async function openInput(path: string, stdin: Readable = process.stdin): Promise<Readable> {
  if (path === STDIO) return stdin;
  await checkReadable(path);
  return createReadStream(path, { highWaterMark: READ_CHUNK });
}

export async function checkReadable(path: string): Promise<void> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new InputError(`input ${path} is not a file`);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read input ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/**
 * Formats that need random access (Parquet's footer is at the end; so is an Arrow file's) read stdin by
 * spooling it to a temporary file first: bounded memory, at the cost of disk. `release` removes it.
 */
export async function seekablePath(path: string, stdin: Readable = process.stdin): Promise<{ path: string; release: () => Promise<void> }> {
  if (path !== STDIO) {
    await checkReadable(path);
    return { path, release: async () => undefined };
  }
  const dir = await mkdtemp(join(tmpdir(), 'weir-stdin-'));
  // A process that ends early (the reader of stdout went away) must not leave the spooled copy behind.
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', cleanup);
  const spooled = join(dir, 'stdin');
  await pipeStreams(stdin, createWriteStream(spooled));
  return {
    path: spooled,
    release: async () => {
      process.off('exit', cleanup);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A byte sink with backpressure: `write` resolves when the stream can take more, so a fast producer cannot
 * fill memory with pending writes.
 */
export interface ByteSink {
  write(chunk: string | Uint8Array): Promise<void>;
  end(): Promise<void>;
}

export function openOutput(path: string, stdout: Writable = process.stdout): ByteSink {
  if (path !== STDIO) checkWritable(path);
  const stream = path === STDIO ? stdout : createWriteStream(path);
  return sinkOf(stream, path !== STDIO);
}

export function sinkOf(stream: Writable, close: boolean): ByteSink {
  let failure: Error | undefined;
  stream.on('error', (e) => (failure ??= e));
  const check = () => {
    if (failure) throw new OutputError(`cannot write output: ${failure.message}`);
  };
  return {
    async write(chunk) {
      check();
      if (!stream.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            stream.off('drain', done);
            stream.off('error', done);
            resolve();
          };
          stream.once('drain', done);
          stream.once('error', done);
        });
      }
      check();
    },
    async end() {
      check();
      if (close) await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
      else await new Promise<void>((resolve) => (stream.writableNeedDrain ? stream.once('drain', () => resolve()) : resolve()));
      check();
    },
  };
}

/** An output path that cannot be written (no such directory, a directory itself) is bad usage, found before any work. */
function checkWritable(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new OutputPathError(`cannot write output ${path}: no such directory ${dir}`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new OutputPathError(`cannot write output ${path}: it is a directory`);
}

/** An output path that cannot be written: bad usage, exit code 2. */
export class OutputPathError extends Error {
  override readonly name = 'OutputPathError';
}

/** An input that cannot be opened or read as the format it claims: bad input, exit code 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** The output cannot be written (disk full, closed pipe). */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}
