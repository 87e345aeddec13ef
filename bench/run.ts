/**
 * `npm run bench` - Weir's benchmarks (measurements, not tests). Run from the repository root:
 *
 *   npm run bench                        all groups, full size
 *   npm run bench -- power dense         some groups (power, scalar-stream, dense)
 *   npm run bench -- --quick             small inputs, fewer runs (or WEIR_BENCH_QUICK=1)
 *   npm run bench -- --write             also rewrite the generated part of BENCHMARKS.md (all groups only)
 *   npm run bench -- dense --only=weir-graph,tfjs     some cases of a group
 *   npm run bench -- --passes-off=fusion,cse          graph cases with each named pass switched off; `all`
 *                                        (the default at full size): each pass, and every pass at once;
 *                                        `none` (the default with --quick): no such cases
 *   npm run bench -- --profile=scalar-stream/weir-graph   CPU-profile one case, print hotspots (file:line)
 *   npm run bench -- --in-process        run every case in this process (default: a fresh process per case)
 *   npm run bench -- --loader=tsx        run the cases under tsx, as the weir CLI runs (default: tsc's output,
 *                                        see register-tsc.cjs)
 *
 * Results also go to tmp/bench-latest.json (or --json=path).
 */
import { fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  BenchOptions, CaseResult, checkAnswers, evaluateTargets, FULL_SCHEDULE, Group, GroupFactory, GroupResult, machineInfo,
  markdownReport, measure, Measurement, median, PassSet, QUICK_SCHEDULE, rewriteBenchmarksMd, RunResult, Schedule, textReport,
  formatMs,
} from './harness';
import { denseGroup } from './dense';
import { powerGroup } from './power';
import { projectionGroup } from './projection';
import { formatSummary, profile, ProfileSummary, summarize, writeProfile } from './profile';
import { scalarStreamGroup } from './scalar-stream';

const ROOT = path.resolve(__dirname, '..');

/** Every group, in the order they run. */
const GROUPS: Readonly<Record<string, GroupFactory>> = {
  power: powerGroup,
  'scalar-stream': scalarStreamGroup,
  dense: denseGroup,
  projection: projectionGroup,
};

interface Args {
  readonly groups: string[];
  readonly quick: boolean;
  readonly write: boolean;
  readonly inProcess: boolean;
  readonly only: string[] | null;
  /** null: the default for the mode (all at full size, none with --quick). */
  readonly passesOff: string[] | null;
  readonly profile: string | null;
  readonly json: string;
  readonly loader: Loader;
  readonly help: boolean;
  readonly child: { group: string; case: string } | null;
}

function parseArgs(argv: readonly string[]): Args {
  const flag = (name: string): string | undefined => {
    const hit = argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    return hit === undefined ? undefined : hit.includes('=') ? hit.slice(hit.indexOf('=') + 1) : '';
  };
  const list = (v: string | undefined): string[] => (v === undefined ? [] : v.split(',').map((s) => s.trim()).filter((s) => s !== ''));
  const known = ['quick', 'write', 'in-process', 'only', 'passes-off', 'profile', 'json', 'loader', 'help', 'child'];
  for (const a of argv) {
    if (a.startsWith('--') && !known.includes(a.slice(2).split('=')[0])) throw new UsageError(`unknown option ${a}`);
  }
  const ci = argv.indexOf('--child');
  const positional = argv.filter((a, i) => !a.startsWith('-') && !(ci >= 0 && i > ci && i <= ci + 2));
  const envQuick = process.env.WEIR_BENCH_QUICK;
  return {
    groups: positional,
    quick: flag('quick') !== undefined || (envQuick !== undefined && envQuick !== '' && envQuick !== '0'),
    write: flag('write') !== undefined,
    inProcess: flag('in-process') !== undefined,
    only: flag('only') === undefined ? null : list(flag('only')),
    passesOff: flag('passes-off') === undefined ? null : list(flag('passes-off')),
    profile: flag('profile') ?? null,
    json: path.resolve(ROOT, flag('json') || 'tmp/bench-latest.json'),
    loader: parseLoader(flag('loader')),
    help: flag('help') !== undefined || argv.includes('-h'),
    child: ci >= 0 ? { group: argv[ci + 1], case: argv[ci + 2] } : null,
  };
}

class UsageError extends Error {}

/** How the child processes load TypeScript: tsc's output (as a build ships) or tsx (as the weir CLI runs). */
type Loader = 'tsc' | 'tsx';

function parseLoader(v: string | undefined): Loader {
  if (v === undefined || v === 'tsc') return 'tsc';
  if (v === 'tsx') return 'tsx';
  throw new UsageError(`--loader=${v}: expected tsc or tsx`);
}

/** The optimizer ablation cases `--passes-off` asks for. */
async function passSets(spec: readonly string[] | null, quick: boolean): Promise<PassSet[]> {
  const wanted = spec ?? [quick ? 'none' : 'all'];
  if (wanted.length === 0 || wanted.includes('none')) return [];
  let names: readonly string[];
  let stream: readonly string[];
  try {
    ({ PLAN_PASSES: names, STREAM_PASSES: stream } = await import('@weir/runtime'));
  } catch (e) {
    log(`no optimizer ablation: @weir/runtime did not load (${String(e instanceof Error ? e.message : e).split('\n')[0]})`);
    return [];
  }
  const every = wanted.includes('all');
  const chosen = every ? [...names] : [...wanted];
  for (const n of chosen) if (!names.includes(n)) throw new UsageError(`--passes-off: no pass '${n}' (passes: ${names.join(', ')}, or all, none)`);
  const set = (id: string, label: string, off: readonly string[]): PassSet => {
    const expr = off.filter((n) => !stream.includes(n));
    return { id, label, passes: Object.fromEntries(off.map((n) => [n, false])), exprPasses: expr.length === 0 ? null : Object.fromEntries(expr.map((n) => [n, false])) };
  };
  const sets: PassSet[] = chosen.map((n) => set(n, `pass '${n}' off`, [n]));
  if (every) sets.push(set('all', 'every pass off', names));
  return sets;
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

// ---------------------------------------------------------------------------------------------------------
// A case in a child process

interface ChildOptions {
  readonly loader: Loader;
  readonly opts: BenchOptions;
  readonly schedule: Schedule;
  readonly profile: boolean;
}

type ChildMessage =
  | { readonly ok: true; readonly measurement: Measurement; readonly profile?: ProfileSummary }
  | { readonly ok: false; readonly error: string };

function findCase(group: Group, name: string) {
  const c = group.cases.find((x) => x.name === name);
  if (c === undefined) throw new UsageError(`group '${group.name}' has no case '${name}' (cases: ${group.cases.map((x) => x.name).join(', ')})`);
  return c;
}

/** Measures one case here, optionally CPU-profiling its timed runs. */
async function runCase(groupName: string, caseName: string, co: ChildOptions): Promise<ChildMessage> {
  const group = GROUPS[groupName](co.opts);
  const c = findCase(group, caseName);
  if (!co.profile) return { ok: true, measurement: await measure(c, co.schedule) };
  // Warm up twice, then profile one timed run.
  const warmups = 2;
  let summary: ProfileSummary | undefined;
  const measurement = await measure(
    {
      ...c,
      async make(info) {
        const run = await c.make(info);
        let calls = 0;
        return async () => {
          calls++;
          if (calls <= warmups) return run();
          let answer: Awaited<ReturnType<typeof run>> = null;
          const p = await profile(async () => {
            answer = await run();
          });
          const file = path.join(ROOT, 'tmp', 'bench-prof', `${groupName}-${caseName}-${calls - warmups}.cpuprofile`);
          writeProfile(p, file);
          summary = summarize(p, ROOT, path.relative(ROOT, file));
          return answer;
        };
      },
    },
    { ...co.schedule, minWarmup: warmups, maxWarmup: warmups, minRuns: 1, maxRuns: 1 },
  );
  return { ok: true, measurement, profile: summary };
}

async function childMain(args: Args): Promise<void> {
  const co = JSON.parse(process.env.WEIR_BENCH_CHILD ?? '{}') as ChildOptions;
  let msg: ChildMessage;
  try {
    msg = await runCase((args.child as { group: string }).group, (args.child as { case: string }).case, co);
  } catch (e) {
    msg = { ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  await new Promise<void>((resolve) => (process.send as (m: unknown, cb: () => void) => void)(msg, resolve));
  process.exit(0);
}

function inChild(group: string, caseName: string, co: ChildOptions): Promise<ChildMessage> {
  return new Promise((resolve) => {
    const loaderArgs = co.loader === 'tsx' ? process.execArgv : ['--require', path.join(__dirname, 'register-tsc.cjs')];
    const child = fork(__filename, ['--child', group, caseName], {
      execArgv: [...loaderArgs, '--expose-gc'],
      env: { ...process.env, WEIR_BENCH_CHILD: JSON.stringify(co), ...(co.profile ? { WEIR_BENCH_SOURCE_MAPS: '1' } : {}) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let msg: ChildMessage | undefined;
    child.on('message', (m) => (msg = m as ChildMessage));
    child.on('exit', (code, signal) => resolve(msg ?? { ok: false, error: `the case's process exited with ${signal ?? `code ${code}`} before reporting` }));
  });
}

// ---------------------------------------------------------------------------------------------------------
// The whole run

function selectGroups(names: readonly string[]): string[] {
  if (names.length === 0) return Object.keys(GROUPS);
  return names.map((n) => {
    if (n in GROUPS) return n;
    const hits = Object.keys(GROUPS).filter((g) => g.startsWith(n));
    if (hits.length === 1) return hits[0];
    throw new UsageError(`no benchmark group '${n}' (groups: ${Object.keys(GROUPS).join(', ')})`);
  });
}

async function runGroup(name: string, args: Args, co: ChildOptions): Promise<GroupResult> {
  const group = GROUPS[name](co.opts);
  if (args.only !== null) for (const n of args.only) findCase(group, n);
  const selected = group.cases.filter((c) => c.checkOnly === true || args.only === null || args.only.includes(c.name));
  log(`== ${group.title} [${group.name}]`);
  const results: CaseResult[] = [];
  for (const c of selected) {
    const t0 = Date.now();
    const msg = args.inProcess ? await runCase(name, c.name, co).catch((e: unknown): ChildMessage => ({ ok: false, error: String(e instanceof Error ? e.stack : e) })) : await inChild(name, c.name, co);
    const base = { name: c.name, label: c.label, note: c.note, relativeTo: c.relativeTo, scale: c.scale ?? 1, checkOnly: c.checkOnly === true, answerKey: c.answerKey ?? 'full' };
    if (!msg.ok) {
      log(`   ${c.name}: FAILED\n${msg.error}`);
      results.push({ ...base, error: msg.error.split('\n')[0] });
      continue;
    }
    const m = msg.measurement;
    const t = m.timesMs;
    results.push({
      ...base, answer: m.answer, info: m.info, setupMs: m.setupMs, warmupMs: m.warmupMs, peakRssMB: m.peakRssMB, loadAvg: m.loadAvg,
      ...(m.otherCores !== undefined ? { otherCores: m.otherCores, stealCores: m.stealCores } : {}),
      ...(t.length > 0 ? { timesMs: t, medianMs: median(t), minMs: Math.min(...t), maxMs: Math.max(...t), cpuMs: m.cpuMs, cpuMedianMs: median(m.cpuMs) } : {}),
    });
    log(
      `   ${c.name.padEnd(30)} ${c.checkOnly ? 'checked (not timed)' : `median ${formatMs(median(t))}, min ${formatMs(Math.min(...t))} over ${t.length} runs after ${m.warmupMs.length} warm-up`}` +
        `  [${((Date.now() - t0) / 1000).toFixed(1)} s, load ${m.loadAvg.toFixed(1)}${m.otherCores !== undefined ? `, others ${m.otherCores.toFixed(2)} + steal ${(m.stealCores ?? 0).toFixed(2)} cores` : ''}]`,
    );
  }
  const checked = checkAnswers(group, results);
  for (const r of checked) {
    if (r.mismatch != null) {
      log(`\n!!!!!!!! WRONG ANSWER in ${group.name}: ${r.label} ${r.mismatch} !!!!!!!!\n`);
    }
  }
  const ran = new Set(checked.map((r) => r.name));
  const targets = evaluateTargets({ ...group, targets: group.targets.filter((t) => ran.has(t.subject) && ran.has(t.baseline)) }, checked);
  return {
    name: group.name, title: group.title, workload: group.workload, items: group.items, unit: group.unit, baseline: group.baseline,
    notes: group.notes ?? [], cases: checked, targets,
  };
}

const PREAMBLE = `# Weir benchmarks

Measurements, not tests: nothing here fails a build. Run from the repository root:

\`\`\`sh
npm run bench                      # all groups, full size (a few minutes)
npm run bench -- --quick           # small inputs, fewer runs (or WEIR_BENCH_QUICK=1)
npm run bench -- power             # one group: power, scalar-stream, dense
npm run bench -- --write           # also rewrite the generated part of this file
npm run bench -- --profile=dense/weir-graph   # CPU-profile one case; hotspots with file:line
\`\`\`
`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child !== null) return childMain(args);
  if (args.help) {
    log((fs.readFileSync(__filename, 'utf8').match(/\/\*\*([\s\S]*?)\*\//)?.[1] ?? '').replace(/^ \* ?/gm, '').trim());
    return;
  }
  const opts: BenchOptions = { quick: args.quick, passSets: await passSets(args.passesOff, args.quick) };
  const schedule = args.quick ? QUICK_SCHEDULE : FULL_SCHEDULE;

  if (args.profile !== null) {
    const [g, c] = args.profile.split('/');
    const group = selectGroups([g])[0];
    if (c === undefined || c === '') throw new UsageError('--profile=<group>/<case>, e.g. --profile=scalar-stream/weir-graph');
    findCase(GROUPS[group](opts), c);
    log(`profiling ${group}/${c} (${args.quick ? 'quick' : 'full'} size) ...`);
    const co: ChildOptions = { loader: args.loader, opts, schedule, profile: true };
    const msg = args.inProcess ? await runCase(group, c, co) : await inChild(group, c, co);
    if (!msg.ok) throw new Error(msg.error);
    process.stdout.write(`${msg.profile ? formatSummary(msg.profile) : 'no profile taken'}\n`);
    return;
  }

  const names = selectGroups(args.groups);
  if (args.write && (names.length !== Object.keys(GROUPS).length || args.only !== null)) {
    throw new UsageError('--write records every group: run `npm run bench -- --write` without group names or --only');
  }
  const machine = machineInfo(ROOT);
  const co: ChildOptions = { loader: args.loader, opts, schedule, profile: false };
  const groups: GroupResult[] = [];
  for (const name of names) groups.push(await runGroup(name, args, co));
  const result: RunResult = { machine, quick: args.quick, isolated: !args.inProcess, loader: args.inProcess ? 'tsx' : args.loader, groups };

  process.stdout.write(`${textReport(result)}\n`);
  fs.mkdirSync(path.dirname(args.json), { recursive: true });
  fs.writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
  log(`results: ${path.relative(ROOT, args.json)}`);
  if (args.write) {
    rewriteBenchmarksMd(path.join(ROOT, 'BENCHMARKS.md'), markdownReport(result), PREAMBLE);
    log('rewrote the generated part of BENCHMARKS.md');
  }
  const bad = groups.flatMap((g) => g.cases).filter((c) => c.error !== undefined || c.mismatch != null);
  if (bad.length > 0) {
    log(`\n${bad.length} case(s) failed or gave a wrong answer: ${bad.map((c) => c.label).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  if (e instanceof UsageError) {
    log(`bench: ${e.message}`);
    process.exitCode = 2;
  } else {
    log(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exitCode = 1;
  }
});
