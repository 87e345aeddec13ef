/**
 * The benchmark harness: runs each case a few times after warm-up, in a fresh Node process of its own by
 * default (so one implementation's JIT feedback, heap and retained memory cannot slow another), reports the
 * median and min wall time, checks that every implementation gives the same answer before any number is
 * believed, and compares each target against a baseline measured in the same run.
 *
 * Benchmarks here are measurements, not tests: nothing asserts on a time. A missed target prints MISS.
 */
import * as os from 'os';
import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { execSync } from 'child_process';

/** What a case computes, as JSON, so implementations can be compared across processes. */
export type Answer = number | boolean | string | null | Answer[] | { readonly [k: string]: Answer };

/** One timed run of a case; returns its answer. */
export type Runner = () => Answer | Promise<Answer>;

export interface BenchOptions {
  /** Smaller inputs and fewer repeats, for a quick look (`--quick` or WEIR_BENCH_QUICK=1). */
  readonly quick: boolean;
  /** Optimizer ablation: one extra graph-mode case per set, with those passes switched off (`--passes-off`). */
  readonly passSets: readonly PassSet[];
}

/** Optimizer passes switched off together, for one ablation case. */
export interface PassSet {
  /** Id suffix: `fusion`, or `all`. */
  readonly id: string;
  /** As the table shows it: `pass 'fusion' off`. */
  readonly label: string;
  readonly passes: Readonly<Record<string, boolean>>;
  /**
   * The same switches without the stream passes, for `fn` (which runs expression passes only); null when
   * the set switches only stream passes, which `fn` has none of.
   */
  readonly exprPasses: Readonly<Record<string, boolean>> | null;
}

export interface Case {
  /** Id, unique in its group: `weir-graph`. */
  readonly name: string;
  /** As the table shows it: `Weir graph (fn)`. */
  readonly label: string;
  /** The case runs 1/scale of the group's input; its times are multiplied by scale. */
  readonly scale?: number;
  /** Shown beside the case in the table. */
  readonly note?: string;
  /** The note also gives this case's median time over that case's (ablation cases: over the full graph). */
  readonly relativeTo?: string;
  /** Cases with the same key must give the same answer (default 'full': the whole input). */
  readonly answerKey?: string;
  /** The answer the others with its key are checked against (default: the first case with that key). */
  readonly reference?: boolean;
  /** Run once for its answer, not timed, not in the table (a reference answer for a subset). */
  readonly checkOnly?: boolean;
  /**
   * Sets the case up (untimed: building inputs, tracing is *not* done here unless said so) and returns the
   * function one timed run calls. `info` adds a line to the case's notes (say, the time of the first trace).
   */
  make(info: (line: string) => void): Runner | Promise<Runner>;
}

/** "subject is at least `atLeast` times as fast as baseline", both medians from the same run. */
export interface Target {
  readonly subject: string;
  readonly baseline: string;
  /** Minimum speed-up (baseline time / subject time). "Within 1.5x of" is 1 / 1.5. */
  readonly atLeast: number;
  /** As a person says it: `graph >= 5x faster than Weir eager`. */
  readonly text: string;
  /** Where the target comes from: `issue 3`. */
  readonly source: string;
}

export interface Group {
  readonly name: string;
  readonly title: string;
  /** What runs, the input and how it is fed, in one paragraph (markdown). */
  readonly workload: string;
  /** Items of work in the whole input (calls, elements, records) for the throughput column. */
  readonly items: number;
  readonly unit: string;
  /** The case the "x baseline time" column divides by. */
  readonly baseline: string;
  readonly cases: readonly Case[];
  readonly targets: readonly Target[];
  /** null when `got` agrees with `expected`; otherwise what differs. */
  compare(expected: Answer, got: Answer): string | null;
  /** Extra lines for the report (reference figures, caveats). */
  readonly notes?: readonly string[];
}

export type GroupFactory = (opts: BenchOptions) => Group;

// ---------------------------------------------------------------------------------------------------------
// Measuring one case

export interface Measurement {
  readonly answer: Answer;
  /** Timed runs, wall time in ms, already multiplied by the case's scale. */
  readonly timesMs: readonly number[];
  /**
   * The same runs' CPU time (user + system, all of the process's threads, so GC helper threads count), in ms,
   * scaled. Time-slicing with other work on the machine inflates wall time much more than CPU time.
   */
  readonly cpuMs: readonly number[];
  readonly warmupMs: readonly number[];
  readonly setupMs: number;
  readonly info: readonly string[];
  /** Peak RSS of the process that ran the case (MB): a hint at memory use, not a precise figure. */
  readonly peakRssMB: number;
  /** The machine's 1-minute load average after the timed runs: other work on the machine skews the figures. */
  readonly loadAvg: number;
  /**
   * During the timed runs, from /proc/stat (Linux; absent elsewhere): `otherCores`, the cores' worth of CPU
   * that processes other than this one used; `stealCores`, the cores' worth the hypervisor gave to other
   * machines while this one's vCPUs wanted to run (steal time). Unlike the load average, neither counts this
   * process's own threads (a case that keeps both cores busy has a load of 2 by itself) or time waiting on disk.
   */
  readonly otherCores?: number;
  readonly stealCores?: number;
}

/** The CPU jiffies /proc/stat counts for the whole machine: busy (user, nice, system, irq, softirq) and steal. */
interface CpuJiffies {
  readonly busy: number;
  readonly steal: number;
}

/** Jiffies a second: USER_HZ, 100 on every Linux architecture Node runs on. */
const USER_HZ = 100;

function cpuJiffies(): CpuJiffies | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = user + nice + system + irq + softirq;
    return Number.isFinite(busy) ? { busy, steal: Number.isFinite(steal) ? steal : 0 } : null;
  } catch {
    return null;
  }
}

export interface Schedule {
  readonly minWarmup: number;
  readonly maxWarmup: number;
  /** Keep warming up (up to maxWarmup runs) until this much time went by. */
  readonly warmupSeconds: number;
  readonly minRuns: number;
  readonly maxRuns: number;
  /** Timed runs stop after maxRuns or once this much time went by (but never before minRuns). */
  readonly runSeconds: number;
}

export const FULL_SCHEDULE: Schedule = { minWarmup: 1, maxWarmup: 5, warmupSeconds: 1, minRuns: 3, maxRuns: 7, runSeconds: 12 };
export const QUICK_SCHEDULE: Schedule = { minWarmup: 1, maxWarmup: 3, warmupSeconds: 0.3, minRuns: 3, maxRuns: 3, runSeconds: 3 };

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** A full GC between runs (then settle()), so one run's garbage is not collected during the next one's timing. */
function gcFunction(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return () => undefined;
  }
}

/** settle() gives up after this long: a case that leaves a thread busy must not stall the benchmark. */
const SETTLE_MAX_MS = 300;
const SETTLE_STEP_MS = 5;

/**
 * Waits until this process is idle: no thread of it used more than a tenth of a core over SETTLE_STEP_MS.
 * After a forced full GC, V8 still sweeps the heap on background threads for some milliseconds (the dense
 * inputs, 100,000 records, make a ~60 MB heap). Timed at once, a run shared the machine's second core with
 * that sweeping: on this 2-core VM the dense graph, which computes on both cores, measured ~70 ms right after
 * gc() and ~62 ms once the sweeping was done, while single-threaded cases lost nothing (the sweeping had the
 * idle core). The sweeping is the harness's doing, not the case's, so every run starts after it.
 */
async function settle(): Promise<void> {
  const deadline = nowMs() + SETTLE_MAX_MS;
  for (;;) {
    const cpu = process.cpuUsage();
    const s = nowMs();
    await new Promise((resolve) => setTimeout(resolve, SETTLE_STEP_MS));
    const used = process.cpuUsage(cpu);
    if ((used.user + used.system) / 1000 < 0.1 * (nowMs() - s) || nowMs() > deadline) return;
  }
}

export async function measure(c: Case, schedule: Schedule): Promise<Measurement> {
  const gc = gcFunction();
  const fresh = async (): Promise<void> => {
    gc();
    await settle();
  };
  const info: string[] = [];
  const t0 = nowMs();
  const run = await c.make((line) => info.push(line));
  const setupMs = nowMs() - t0;
  const scale = c.scale ?? 1;
  let answer: Answer = null;
  const warmupMs: number[] = [];
  let warmTotal = 0;
  const runsWanted = c.checkOnly ? 0 : Infinity;
  const maxWarmup = c.checkOnly ? 1 : schedule.maxWarmup;
  while (warmupMs.length < Math.max(1, schedule.minWarmup) || (warmupMs.length < maxWarmup && warmTotal < schedule.warmupSeconds * 1000)) {
    await fresh();
    const s = nowMs();
    const a = await run();
    const ms = nowMs() - s;
    if (warmupMs.length === 0) answer = a;
    warmupMs.push(ms * scale);
    warmTotal += ms;
  }
  const timesMs: number[] = [];
  const cpuMs: number[] = [];
  let runTotal = 0;
  const machineBefore = cpuJiffies();
  const ownBefore = process.cpuUsage();
  const wallBefore = nowMs();
  while (timesMs.length < runsWanted && (timesMs.length < schedule.minRuns || (timesMs.length < schedule.maxRuns && runTotal < schedule.runSeconds * 1000))) {
    await fresh();
    const cpu = process.cpuUsage();
    const s = nowMs();
    await run();
    const ms = nowMs() - s;
    const used = process.cpuUsage(cpu);
    timesMs.push(ms * scale);
    cpuMs.push(((used.user + used.system) / 1000) * scale);
    runTotal += ms;
  }
  const others = otherWork(machineBefore, ownBefore, wallBefore);
  return { answer, timesMs, cpuMs, warmupMs, setupMs, info, peakRssMB: process.resourceUsage().maxRSS / 1024, loadAvg: os.loadavg()[0], ...others };
}

/** Other processes' CPU and steal since `machine`/`own`/`wall` were read, in cores; {} without /proc/stat. */
function otherWork(machine: CpuJiffies | null, own: NodeJS.CpuUsage, wall: number): { otherCores?: number; stealCores?: number } {
  const after = cpuJiffies();
  const seconds = (nowMs() - wall) / 1000;
  if (machine === null || after === null || seconds < 0.5) return {};
  const used = process.cpuUsage(own);
  const ownSeconds = (used.user + used.system) / 1e6;
  // Jiffies tick at 100 Hz, so a few hundredths of a core either way are rounding: floor at 0.
  const otherCores = Math.max(0, ((after.busy - machine.busy) / USER_HZ - ownSeconds) / seconds);
  return { otherCores, stealCores: (after.steal - machine.steal) / USER_HZ / seconds };
}

// ---------------------------------------------------------------------------------------------------------
// Statistics and results

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface CaseResult {
  readonly name: string;
  readonly label: string;
  readonly note?: string;
  readonly relativeTo?: string;
  readonly scale: number;
  readonly checkOnly: boolean;
  readonly answerKey: string;
  readonly error?: string;
  readonly medianMs?: number;
  readonly minMs?: number;
  readonly maxMs?: number;
  readonly timesMs?: readonly number[];
  readonly cpuMs?: readonly number[];
  readonly cpuMedianMs?: number;
  readonly warmupMs?: readonly number[];
  readonly setupMs?: number;
  readonly peakRssMB?: number;
  readonly loadAvg?: number;
  readonly otherCores?: number;
  readonly stealCores?: number;
  readonly info?: readonly string[];
  /** null: agrees with its reference; a string: how it differs. */
  readonly mismatch?: string | null;
  readonly answer?: Answer;
}

export interface TargetResult extends Target {
  /** baseline median / subject median (wall time), or null when either could not be measured or was wrong. */
  readonly speedup: number | null;
  /** The same from CPU-time medians: a cross-check when the machine was busy. */
  readonly cpuSpeedup: number | null;
  readonly status: 'PASS' | 'MISS' | 'INVALID';
  readonly why?: string;
}

export interface GroupResult {
  readonly name: string;
  readonly title: string;
  readonly workload: string;
  readonly items: number;
  readonly unit: string;
  readonly baseline: string;
  readonly notes: readonly string[];
  readonly cases: readonly CaseResult[];
  readonly targets: readonly TargetResult[];
}

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGB: number;
  readonly node: string;
  readonly v8: string;
  readonly os: string;
  readonly date: string;
  readonly commit: string;
  readonly packages: Readonly<Record<string, string>>;
}

export interface RunResult {
  readonly machine: MachineInfo;
  readonly quick: boolean;
  readonly isolated: boolean;
  /** How TypeScript was loaded: 'tsc' (TypeScript's own output, as a build ships) or 'tsx' (as the CLI runs). */
  readonly loader: 'tsc' | 'tsx';
  readonly groups: readonly GroupResult[];
}

/** The answer checks: each case against its key's reference. */
export function checkAnswers(group: Group, results: readonly CaseResult[]): CaseResult[] {
  const ok = (name: string) => results.find((r) => r.name === name && r.error === undefined);
  const refs = new Map<string, CaseResult>();
  for (const c of group.cases) {
    const r = ok(c.name);
    if (c.reference === true && r !== undefined) refs.set(r.answerKey, r);
  }
  for (const c of group.cases) {
    const r = ok(c.name);
    if (r !== undefined && !refs.has(r.answerKey)) refs.set(r.answerKey, r);
  }
  return results.map((r) => {
    if (r.error !== undefined) return r;
    const ref = refs.get(r.answerKey);
    if (ref === undefined || ref === r) return { ...r, mismatch: null };
    const diff = group.compare(ref.answer as Answer, r.answer as Answer);
    return { ...r, mismatch: diff === null ? null : `differs from ${ref.label}: ${diff}` };
  });
}

export function evaluateTargets(group: Group, results: readonly CaseResult[]): TargetResult[] {
  return group.targets.map((t) => {
    const s = results.find((r) => r.name === t.subject);
    const b = results.find((r) => r.name === t.baseline);
    const bad = [s, b].find((r) => r === undefined || r.error !== undefined || r.mismatch != null || r.medianMs === undefined);
    if (bad !== undefined || s === undefined || b === undefined) {
      const why = bad === undefined ? 'missing case' : bad.error !== undefined ? `${bad.label} failed` : bad.mismatch != null ? `${bad.label} gave a wrong answer` : `${t.subject === bad?.name ? t.subject : t.baseline} not run`;
      return { ...t, speedup: null, cpuSpeedup: null, status: 'INVALID', why };
    }
    const speedup = (b.medianMs as number) / (s.medianMs as number);
    const cpuSpeedup = b.cpuMedianMs !== undefined && s.cpuMedianMs !== undefined ? b.cpuMedianMs / s.cpuMedianMs : null;
    return { ...t, speedup, cpuSpeedup, status: speedup >= t.atLeast ? 'PASS' : 'MISS' };
  });
}

// ---------------------------------------------------------------------------------------------------------
// The machine

export function machineInfo(root: string): MachineInfo {
  const cpus = os.cpus();
  const version = (pkg: string): string => {
    try {
      return (JSON.parse(fs.readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'not installed';
    }
  };
  let commit = 'unknown';
  try {
    const head = execSync('git rev-parse --short HEAD', { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() !== '';
    commit = dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    // not a git checkout: leave 'unknown'
  }
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    v8: process.versions.v8,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    commit,
    packages: Object.fromEntries(['@tensorflow/tfjs', 'rxjs', '@most/core', '@most/scheduler', 'apache-arrow'].map((p) => [p, version(p)])),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Formatting

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatRate(perSecond: number, unit: string): string {
  const [v, p] = perSecond >= 1e9 ? [perSecond / 1e9, 'G'] : perSecond >= 1e6 ? [perSecond / 1e6, 'M'] : perSecond >= 1e3 ? [perSecond / 1e3, 'k'] : [perSecond, ''];
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${p}${unit}/s`;
}

export function formatRatio(x: number): string {
  return x >= 100 ? `${x.toFixed(0)}x` : x >= 10 ? `${x.toFixed(1)}x` : `${x.toFixed(2)}x`;
}

/** "required" column: `>= 5x`, or `within 1.5x` for targets below 1. */
export function formatRequirement(atLeast: number): string {
  if (atLeast < 1) return `>= ${atLeast.toFixed(2)}x (within ${formatRatio(1 / atLeast)})`;
  if (atLeast === 1) return '> 1x (faster)';
  return `>= ${formatRatio(atLeast)}`;
}

export function formatSpeedup(s: number): string {
  return s >= 1 ? `${formatRatio(s)} faster` : `${formatRatio(s)} (${formatRatio(1 / s)} slower)`;
}

export interface Row {
  readonly cells: readonly string[];
}

const CASE_HEADER = ['case', 'median', 'min', 'spread', 'CPU time', 'throughput', 'x baseline time', 'answer', 'note'];
const TARGET_HEADER = ['target', 'source', 'measured (wall)', 'required', 'result', 'by CPU time'];

function caseRows(g: GroupResult): string[][] {
  const base = g.cases.find((c) => c.name === g.baseline);
  return g.cases
    .filter((c) => !c.checkOnly)
    .map((c) => {
      const other = c.relativeTo === undefined ? undefined : g.cases.find((x) => x.name === c.relativeTo);
      const relative = other?.medianMs !== undefined && c.medianMs !== undefined ? `${(c.medianMs / other.medianMs).toFixed(2)}x the time of ${other.label}` : undefined;
      const notes = [relative, c.note, ...(c.info ?? [])].filter((x): x is string => x !== undefined && x !== '');
      if (c.error !== undefined || c.medianMs === undefined) return [c.label, 'FAILED', '', '', '', '', '', '', `${c.error ?? 'not run'}`];
      const spread = c.timesMs !== undefined && c.timesMs.length > 1 ? `±${(((c.maxMs as number) - (c.minMs as number)) / 2 / c.medianMs * 100).toFixed(0)}%` : '';
      const rel = base?.medianMs !== undefined && base.mismatch == null ? (c.name === g.baseline ? '1.00 (baseline)' : (c.medianMs / base.medianMs).toFixed(2)) : '';
      const answer = c.mismatch == null ? 'ok' : 'WRONG';
      const cpu = c.cpuMedianMs !== undefined ? formatMs(c.cpuMedianMs) : '';
      return [c.label, formatMs(c.medianMs), formatMs(c.minMs as number), spread, cpu, formatRate((g.items / c.medianMs) * 1000, g.unit), rel, answer, notes.join('; ')];
    });
}

function cpuVerdict(t: TargetResult): string {
  if (t.cpuSpeedup === null) return '';
  return `${formatSpeedup(t.cpuSpeedup)}: ${t.cpuSpeedup >= t.atLeast ? 'PASS' : 'MISS'}`;
}

function targetRow(t: TargetResult, label: string): string[] {
  return [label, t.source, t.speedup === null ? `- (${t.why})` : formatSpeedup(t.speedup), formatRequirement(t.atLeast), t.status, cpuVerdict(t)];
}

function targetRows(g: GroupResult): string[][] {
  return g.targets.map((t) => targetRow(t, t.text));
}

function textTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function mdTable(header: readonly string[], rows: readonly string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

export function machineLines(m: MachineInfo, r: Pick<RunResult, 'quick' | 'isolated' | 'loader'>): string[] {
  const loader = r.loader === 'tsc' ? 'TypeScript compiled by tsc (transpileModule)' : 'TypeScript run under tsx (esbuild, keepNames)';
  return [
    `CPU: ${m.cpu}, ${m.cores} cores; memory ${m.memoryGB} GB; ${m.os}`,
    `Node ${m.node} (V8 ${m.v8}); ${Object.entries(m.packages).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `Date: ${m.date}; commit ${m.commit}`,
    `Mode: ${r.quick ? 'QUICK (small inputs, not the recorded figures)' : 'full size'}; ${r.isolated ? 'each case in a fresh process' : 'all cases in one process'}; ${loader}`,
  ];
}

/**
 * Whether the machine was busy with other work while cases ran: other processes' CPU and the hypervisor's
 * steal during the timed runs (/proc/stat), else the 1-minute load average, which also counts this process's
 * own threads and time waiting on disk. Over a quarter of a core either way makes the figures noisier.
 */
export function loadWarning(r: RunResult): string | null {
  const cases = r.groups.flatMap((g) => g.cases);
  const max = (xs: readonly (number | undefined)[]): number | null => {
    const known = xs.filter((x): x is number => x !== undefined);
    return known.length === 0 ? null : Math.max(...known);
  };
  const others = max(cases.map((c) => c.otherCores));
  const steal = max(cases.map((c) => c.stealCores));
  if (others !== null && steal !== null) {
    const what = `other processes used up to ${others.toFixed(2)} of a core and the hypervisor took up to ${steal.toFixed(2)} (steal) while a case was timed`;
    return others > 0.25 || steal > 0.25 ? `the machine was busy with other work (${what}): figures are noisier than usual` : `machine quiet (${what})`;
  }
  const loads = cases.map((c) => c.loadAvg).filter((x): x is number => x !== undefined);
  if (loads.length === 0) return null;
  const top = Math.max(...loads);
  const range = `load average ${Math.min(...loads).toFixed(1)}-${top.toFixed(1)} on ${r.machine.cores} cores`;
  return top > r.machine.cores ? `the machine was busy with other work (${range}): figures are noisier than usual` : `machine quiet (${range})`;
}

export function textReport(r: RunResult): string {
  const w = loadWarning(r);
  const out: string[] = ['', 'Weir benchmarks', ...machineLines(r.machine, r), ...(w ? [`Load: ${w}`] : []), ''];
  for (const g of r.groups) {
    out.push(`== ${g.title} [${g.name}] ==`, '');
    out.push(textTable(CASE_HEADER, caseRows(g)), '');
    if (g.targets.length > 0) out.push(textTable(TARGET_HEADER, targetRows(g)), '');
    for (const c of g.cases) if (c.mismatch != null) out.push(`!!! WRONG ANSWER: ${c.label} ${c.mismatch}`);
    for (const c of g.cases) if (c.error !== undefined) out.push(`!!! FAILED: ${c.label}: ${c.error}`);
    out.push('');
  }
  return out.join('\n');
}

export function markdownReport(r: RunResult): string {
  const out: string[] = [];
  const w = loadWarning(r);
  out.push('## Machine', '', ...[...machineLines(r.machine, r), ...(w ? [`Load: ${w}`] : [])].map((l) => `- ${l}`), '');
  const summary = r.groups.flatMap((g) => g.targets.map((t) => targetRow(t, `${g.name}: ${t.text}`)));
  if (summary.length > 0) out.push('## Targets', '', mdTable(TARGET_HEADER, summary), '');
  for (const g of r.groups) {
    out.push(`## ${g.title} (\`${g.name}\`)`, '', g.workload, '');
    out.push(mdTable(CASE_HEADER, caseRows(g)), '');
    for (const n of g.notes) out.push(`- ${n}`);
    for (const c of g.cases) if (c.mismatch != null) out.push(`- **WRONG ANSWER**: ${c.label} ${c.mismatch}`);
    for (const c of g.cases) if (c.error !== undefined) out.push(`- **FAILED**: ${c.label}: ${c.error}`);
    out.push('');
  }
  return out.join('\n');
}

export const BEGIN_MARK = '<!-- bench:begin (generated by `npm run bench -- --write`; edit outside these marks) -->';
export const END_MARK = '<!-- bench:end -->';

/** Replaces the generated part of BENCHMARKS.md, keeping what is written by hand around it. */
export function rewriteBenchmarksMd(file: string, generated: string, preamble: string): void {
  const block = `${BEGIN_MARK}\n\n${generated.trim()}\n\n${END_MARK}`;
  let text: string;
  if (fs.existsSync(file)) {
    const old = fs.readFileSync(file, 'utf8');
    const a = old.indexOf('<!-- bench:begin');
    const b = old.indexOf(END_MARK);
    text = a >= 0 && b > a ? old.slice(0, a) + block + old.slice(b + END_MARK.length) : `${old.trimEnd()}\n\n${block}\n`;
  } else text = `${preamble.trim()}\n\n${block}\n`;
  fs.writeFileSync(file, text);
}
