import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';

/** The repository root and the `weir` launcher, run as a user runs it. */
export const ROOT = resolve(__dirname, '../../..');
export const WEIR = join(ROOT, 'apps/cli/bin/weir');
export const EXAMPLES = join(ROOT, 'examples');

export interface WeirResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident set size of the weir process, in MiB (when `measureRss` was asked). */
  readonly peakRssMb?: number;
}

export interface WeirOptions {
  readonly cwd?: string;
  /** Written to the process's stdin, which is then closed. */
  readonly stdin?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly measureRss?: boolean;
  readonly timeoutMs?: number;
}

/**
 * Runs the real `weir` launcher in a child process. stdin is a pipe (closed after `stdin`), as in a script,
 * so the CLI sees no terminal: no progress bar, commands echoed by `debug`.
 */
export function weir(args: readonly string[], options: WeirOptions = {}): Promise<WeirResult> {
  const rssFile = options.measureRss ? join(mkdtempSync(join(tmpdir(), 'weir-rss-')), 'maxrss') : undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, NO_COLOR: '1' };
  // Jest's own NODE_OPTIONS must not leak into the child; the RSS probe is the only preload.
  delete env.NODE_OPTIONS;
  if (rssFile !== undefined) {
    env.NODE_OPTIONS = `--require ${join(__dirname, 'max-rss.cjs')}`;
    env.WEIR_MAXRSS_FILE = rssFile;
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(WEIR, [...args], { cwd: options.cwd ?? ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      let peakRssMb: number | undefined;
      if (rssFile !== undefined && existsSync(rssFile)) peakRssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
      if (rssFile !== undefined) rmSync(resolve(rssFile, '..'), { recursive: true, force: true });
      resolvePromise({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), peakRssMb });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}

/** A temporary directory per test file. */
export function tempDir(prefix: string): { readonly dir: string; path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `weir-e2e-${prefix}-`));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A Parquet file's rows as plain JS values, read with parquet-wasm and Arrow directly (not through Weir's
 * connectors, so a test checks the file itself). Tensor (FixedSizeList) cells become number arrays; the
 * field metadata is returned so a test can check the tensor extension type.
 */
export function readParquetFile(path: string): { rows: Record<string, unknown>[]; metadata: Record<string, Record<string, string>> } {
  const table = tableFromIPC(readParquet(readFileSync(path)).intoIPCStream());
  const metadata = Object.fromEntries(table.schema.fields.map((f) => [f.name, Object.fromEntries(f.metadata)]));
  const rows = table.toArray().map((row) => {
    const plain: Record<string, unknown> = {};
    for (const f of table.schema.fields) {
      const v = (row as Record<string, unknown>)[f.name];
      plain[f.name] = v !== null && typeof v === 'object' && Symbol.iterator in v ? Array.from(v as Iterable<unknown>) : typeof v === 'bigint' ? Number(v) : v;
    }
    return plain;
  });
  return { rows, metadata };
}

/** Parses simple CSV output (no quoted line breaks) into records with numbers where cells are numeric. */
export function parseCsv(text: string): Record<string, unknown>[] {
  const [header, ...lines] = text.trim().split('\n');
  const names = header.split(',');
  return lines.map((line) => {
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '')).slice(0, names.length);
    return Object.fromEntries(names.map((n, i) => {
      const c = cells[i].startsWith('"') ? cells[i].slice(1, -1).replace(/""/g, '"') : cells[i];
      return [n, c !== '' && !Number.isNaN(Number(c)) ? Number(c) : c.startsWith('[') ? JSON.parse(c) : c];
    }));
  });
}

/** Floats equal within a relative tolerance (the design's eager/graph contract), everything else exactly. */
export function expectClose(actual: unknown, expected: unknown, rtol = 1e-5, path = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const ok = actual === expected || Math.abs(actual - expected) <= rtol * Math.max(1, Math.abs(expected));
    if (!ok) throw new Error(`${path}: ${actual} is not within ${rtol} of ${expected}`);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) throw new Error(`${path}: ${JSON.stringify(actual)} is not an array of length ${expected.length}`);
    expected.forEach((e, i) => expectClose(actual[i], e, rtol, `${path}[${i}]`));
    return;
  }
  if (typeof expected === 'object' && expected !== null) {
    const a = actual as Record<string, unknown>;
    const keys = Object.keys(expected);
    if (typeof a !== 'object' || a === null || Object.keys(a).sort().join() !== [...keys].sort().join()) {
      throw new Error(`${path}: fields ${JSON.stringify(a && Object.keys(a))}; expected ${JSON.stringify(keys)}`);
    }
    for (const k of keys) expectClose(a[k], (expected as Record<string, unknown>)[k], rtol, `${path}.${k}`);
    return;
  }
  if (actual !== expected) throw new Error(`${path}: ${JSON.stringify(actual)} !== ${JSON.stringify(expected)}`);
}
