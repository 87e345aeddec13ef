import { createInterface } from 'node:readline';
import { PipelineError } from '@weir/dataflow';
import { formatError } from '../errors';
import { parsePredicate, PredicateError, type Predicate } from './predicate';
import { brief, full } from './render';
import type { DebugSession, Step } from './session';

/** Most elements `until` and `continue` step through before giving the prompt back. */
const MAX_RUN = 1_000_000;

export const HELP = `Commands:
  next [n]            advance n source elements (default 1), showing each stage's input and output   (n)
  print <stage> [in] [field]
                      show a stage's last output (or input, with 'in') in full; tensors with every element
                      stage: map#1, 1 (its position), source, or output                                (p)
  until <stage>       advance until the stage emits something                                          (u)
  until [stage:] <field> <op> <value>
                      advance until a record (at that stage, or anywhere) has field op value;
                      op: == != < <= > >=; value: a number, true, false or "text"; a tensor matches
                      when any element does. e.g.  until value > 10   until map#0: sensor == "s2"
  continue            run to the end of the input, then show the last step                              (c)
  stages              list the stages
  help                this text                                                                         (h)
  quit                leave                                                                             (q)`;

interface Io {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Echo each command after the prompt (stdin is a pipe): the transcript then reads like a terminal session. */
  readonly echo: boolean;
}

/**
 * The interactive loop of `weir debug`: reads commands line by line (from a terminal or a pipe), one at a
 * time, each finished before the next is read.
 */
export async function repl(session: DebugSession, rows: AsyncIterator<unknown>, io: Io): Promise<void> {
  const say = (s: string): void => void io.output.write(s + '\n');
  const rl = createInterface({ input: io.input, output: io.echo ? undefined : io.output, terminal: !io.echo && (io.input as NodeJS.ReadStream).isTTY === true });
  let last: Step | undefined;
  let ended = false;

  const advance = async (): Promise<Step | undefined> => {
    if (session.finished) return undefined;
    const r = await rows.next();
    if (r.done) {
      ended = true;
      return session.end();
    }
    return session.push(r.value);
  };

  const stepsUntil = async (stop: (s: Step) => boolean, show: (s: Step) => void, limit: number): Promise<void> => {
    let n = 0;
    for (;;) {
      const step = await advance();
      if (step === undefined) return say(ended ? 'the input has ended' : 'the run has stopped after an error');
      last = step;
      n++;
      if (stop(step) || step.error || step.index === 'end' || n >= limit) {
        if (n > 1) say(`(${n - 1} element${n === 2 ? '' : 's'} passed)`);
        return show(step);
      }
    }
  };

  const commands: Record<string, (args: string[]) => Promise<void> | void | 'quit'> = {
    next: async (args) => {
      const n = args.length ? Number(args[0]) : 1;
      if (!Number.isInteger(n) || n < 1) return say(`next takes a positive count; got '${args[0]}'`);
      for (let k = 0; k < n; k++) {
        const step = await advance();
        if (step === undefined) return say(ended ? 'the input has ended' : 'the run has stopped after an error');
        last = step;
        say(describeStep(step));
        if (step.error || step.index === 'end') return;
      }
    },
    until: (args) => {
      const text = args.join(' ');
      if (text === '') return say('until needs a stage (map#1) or a condition (value > 10)');
      const stage = stageIndex(session, text);
      if (stage !== undefined && stage >= 0) {
        return stepsUntil((s) => s.stages[stage].outputs.length > 0, (s) => say(describeStep(s)), MAX_RUN);
      }
      let p: Predicate;
      try {
        p = parsePredicate(text);
      } catch (e) {
        return say((e as PredicateError).message);
      }
      const scope = p.stage === undefined ? undefined : stageIndex(session, p.stage);
      if (p.stage !== undefined && scope === undefined) return say(`no stage '${p.stage}'; type 'stages' to list them`);
      return stepsUntil((s) => matches(s, p, scope), (s) => say(describeStep(s)), MAX_RUN);
    },
    continue: () => stepsUntil(() => false, (s) => say(describeStep(s)), Number.MAX_SAFE_INTEGER),
    print: (args) => {
      if (last === undefined) return say("nothing to print yet; type 'next' first");
      return say(printStage(session, last, args));
    },
    stages: () => say(['source', ...session.labels.map((l, i) => `${l}  (${i})`), 'output'].join('\n')),
    help: () => say(HELP),
    quit: () => 'quit',
  };
  const aliases: Record<string, string> = { n: 'next', step: 'next', u: 'until', c: 'continue', cont: 'continue', p: 'print', h: 'help', '?': 'help', q: 'quit', exit: 'quit', list: 'stages' };

  say(`weir debug: ${session.labels.length} stage${session.labels.length === 1 ? '' : 's'}: ${session.labels.join(' -> ')}. Type 'help' for commands.`);
  const prompt = () => io.output.write('(weir) ');
  prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (io.echo) io.output.write(line + '\n');
    if (line !== '') {
      const [word, ...args] = line.split(/\s+/);
      const name = aliases[word] ?? word;
      const command = commands[name];
      if (command === undefined) say(`unknown command '${word}'; type 'help'`);
      else {
        try {
          if ((await command(args)) === 'quit') break;
        } catch (e) {
          // An input file's bad row (under --errors fail) surfaces here; the session can still print.
          say(formatError(e));
        }
      }
    }
    prompt();
  }
  io.output.write('\n');
  rl.close();
}

function describeStep(s: Step): string {
  const lines: string[] = [];
  lines.push(s.index === 'end' ? '── end of input: stages flush what they hold' : `── element ${s.index}`);
  if (s.index !== 'end') lines.push(`  source      ${brief(s.input)}`);
  let inputs: readonly unknown[] = s.index === 'end' ? [] : [s.input];
  const pad = Math.max(10, ...s.stages.map((t) => t.label.length));
  for (const t of s.stages) {
    if (inputs.length === 0 && t.outputs.length === 0) continue;
    const label = t.label.padEnd(pad);
    inputs.forEach((x, i) => lines.push(`  ${i === 0 ? label : ' '.repeat(pad)}  in   ${brief(x)}`));
    const failed = s.error instanceof PipelineError && s.error.stage.split(' ')[0] === t.label;
    if (t.outputs.length === 0) {
      const what = failed ? 'failed: see the error below' : '(nothing: filtered out or held in state)';
      lines.push(`  ${inputs.length ? ' '.repeat(pad) : label}  out  ${what}`);
    }
    t.outputs.forEach((x, i) => lines.push(`  ${inputs.length || i > 0 ? ' '.repeat(pad) : label}  out  ${brief(x)}`));
    inputs = t.outputs;
  }
  if (s.error) lines.push(formatError(s.error).replace(/^weir: error: /, '  error: ') + '\n  the run has stopped; print still shows what each stage had');
  else lines.push(`  output: ${s.outputs.length} element${s.outputs.length === 1 ? '' : 's'}`);
  return lines.join('\n');
}

/** A stage by label (`map#1`) or position (`1`); -1 for source, stages.length for output. */
function stageIndex(session: DebugSession, name: string): number | undefined {
  if (name === 'source') return -1;
  if (name === 'output') return session.labels.length;
  const byLabel = session.labels.indexOf(name);
  if (byLabel >= 0) return byLabel;
  const n = Number(name);
  return Number.isInteger(n) && n >= 0 && n < session.labels.length ? n : undefined;
}

function matches(s: Step, p: Predicate, scope: number | undefined): boolean {
  const at = (i: number): readonly unknown[] => (i === -1 ? (s.index === 'end' ? [] : [s.input]) : i >= s.stages.length ? s.outputs : s.stages[i].outputs);
  if (scope !== undefined) return at(scope).some((v) => p.test(v));
  for (let i = -1; i < s.stages.length; i++) if (at(i).some((v) => p.test(v))) return true;
  return false;
}

function printStage(session: DebugSession, s: Step, args: string[]): string {
  if (args.length === 0) return "print needs a stage: print map#1 [in] [field]";
  const i = stageIndex(session, args[0]);
  if (i === undefined) return `no stage '${args[0]}'; type 'stages' to list them`;
  let rest = args.slice(1);
  const wantInput = rest[0] === 'in';
  if (wantInput || rest[0] === 'out') rest = rest.slice(1);
  const field = rest[0];
  const source = s.index === 'end' ? [] : [s.input];
  const outputsOf = (k: number): readonly unknown[] => (k === -1 ? source : k >= s.stages.length ? s.outputs : s.stages[k].outputs);
  const values = wantInput ? (i <= 0 ? source : outputsOf(i - 1)) : outputsOf(i);
  const name = i === -1 ? 'source' : i >= s.stages.length ? 'output' : s.stages[i].label;
  if (values.length === 0) return `${name} ${wantInput ? 'had no input' : 'emitted nothing'} in this step`;
  const value = values[values.length - 1];
  if (field === undefined) return full(value);
  if (typeof value !== 'object' || value === null || !(field in (value as object))) {
    return `${name}'s ${wantInput ? 'input' : 'output'} has no field '${field}' (it is ${brief(value)})`;
  }
  return `${field}: ${full((value as Record<string, unknown>)[field])}`;
}
