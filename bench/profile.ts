/**
 * CPU profiles of one case, taken in-process with the inspector and summarized as hotspots with their
 * TypeScript file:line (positions mapped back through the source maps tsx gives each module).
 */
import { Session } from 'inspector';
import { findSourceMap } from 'module';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface Hotspot {
  readonly fn: string;
  readonly where: string;
  readonly selfMs: number;
  readonly totalMs: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  readonly bySelf: readonly Hotspot[];
  /** Weir's own functions (libs/) by inclusive time: which stage of the engine the time goes to. */
  readonly weirByTotal: readonly Hotspot[];
}

function post<T>(s: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => s.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
}

/** Profiles `body` at a 100 µs sampling interval. */
export async function profile(body: () => Promise<void>): Promise<CpuProfile> {
  const s = new Session();
  let taken: CpuProfile;
  s.connect();
  await post(s, 'Profiler.enable');
  await post(s, 'Profiler.setSamplingInterval', { interval: 100 });
  await post(s, 'Profiler.start');
  try {
    await body();
  } finally {
    const { profile: p } = await post<{ profile: CpuProfile }>(s, 'Profiler.stop');
    s.disconnect();
    taken = p;
  }
  return taken;
}

/** `file:line` in the original source (1-based), relative to root when inside it. */
function locate(cf: CallFrame, root: string): string {
  if (cf.url === '') return '';
  let file = cf.url;
  let line = cf.lineNumber + 1;
  try {
    const p = file.startsWith('file://') ? fileURLToPath(file) : file;
    const map = path.isAbsolute(p) ? findSourceMap(p) : undefined;
    const e = map?.findEntry(cf.lineNumber, cf.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
    if (e !== undefined && e.originalSource !== undefined && e.originalLine !== undefined) {
      file = e.originalSource.startsWith('file://') ? fileURLToPath(e.originalSource) : e.originalSource;
      line = e.originalLine + 1;
    } else file = p;
  } catch {
    // keep the generated position
  }
  const rel = path.relative(root, file);
  return `${rel.startsWith('..') ? file : rel}:${line}`;
}

export function summarize(p: CpuProfile, root: string, file: string, top = 20): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const where = new Map<number, string>();
  const keyOf = (n: ProfileNode): string => {
    let w = where.get(n.id);
    if (w === undefined) {
      w = locate(n.callFrame, root);
      where.set(n.id, w);
    }
    return `${n.callFrame.functionName || '(anonymous)'}\u0000${w}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0) / 1000;
    const leaf = byId.get(p.samples[i]);
    if (leaf === undefined) continue;
    if (leaf.callFrame.functionName === '(idle)') continue;
    all += dt;
    const k = keyOf(leaf);
    self.set(k, (self.get(k) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id);
      if (n === undefined || n.callFrame.functionName === '(root)') continue;
      const kk = keyOf(n);
      if (seen.has(kk)) continue;
      seen.add(kk);
      total.set(kk, (total.get(kk) ?? 0) + dt);
    }
  }
  const spot = (k: string): Hotspot => {
    const [fn, w] = k.split('\u0000');
    return { fn, where: w, selfMs: self.get(k) ?? 0, totalMs: total.get(k) ?? 0 };
  };
  const bySelf = [...self.keys()].map(spot).sort((a, b) => b.selfMs - a.selfMs).slice(0, top);
  const weirByTotal = [...total.keys()]
    .map(spot)
    .filter((h) => h.where.startsWith('libs/'))
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, top);
  return { file, totalMs: all, bySelf, weirByTotal };
}

export function writeProfile(p: CpuProfile, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(p));
}

export function formatSummary(s: ProfileSummary): string {
  const pct = (ms: number) => `${((ms / s.totalMs) * 100).toFixed(1)}%`.padStart(6);
  const line = (h: Hotspot) => `${pct(h.selfMs)} self ${pct(h.totalMs)} total  ${h.fn}  ${h.where}`;
  return [
    `CPU profile: ${s.file} (${(s.totalMs / 1000).toFixed(2)} s sampled; open it in Chrome DevTools or speedscope)`,
    '',
    'Top functions by self time:',
    ...s.bySelf.map(line),
    '',
    "Weir's functions (libs/) by inclusive time:",
    ...s.weirByTotal.map(line),
  ].join('\n');
}
