import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLES, weir } from './support/weir';

const SENSORS_CSV = join(EXAMPLES, 'data/sensors.csv');

function csvRows(): { sensor: string; value: number; accel: number[] }[] {
  const [, ...lines] = readFileSync(SENSORS_CSV, 'utf8').trim().split('\n');
  return lines.map((l) => {
    const [sensor, , value] = l.split(',');
    return { sensor, value: Number(value), accel: JSON.parse(l.slice(l.indexOf('"') + 1, -1)) };
  });
}

/** The transcript's part for one command: from its echoed prompt to the next prompt. */
function answerTo(transcript: string, command: string, last = false): string {
  const start = last ? transcript.lastIndexOf(`(weir) ${command}\n`) : transcript.indexOf(`(weir) ${command}\n`);
  if (start < 0) throw new Error(`no '${command}' in the transcript:\n${transcript}`);
  const from = start + `(weir) ${command}\n`.length;
  const end = transcript.indexOf('(weir) ', from);
  return transcript.slice(from, end < 0 ? undefined : end);
}

describe('weir debug, driven through stdin', () => {
  it('steps, prints tensors in full, runs until a stage or a condition, continues and quits', async () => {
    const rows = csvRows();
    const firstHot = rows.findIndex((r) => r.value > 25);
    const script = ['stages', 'next', 'print 0 in accel', 'print map#0 sensor', `until value > 25`, 'until map#3', 'bogus', 'continue', 'next', 'quit'];
    const r = await weir(['debug', 'examples/sensors.ts', '--input', SENSORS_CSV], { stdin: script.join('\n') + '\n' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const t = r.stdout;
    expect(t.split('\n')[0]).toBe("weir debug: 4 stages: map#0 -> keyBy#1 -> timeWindow#2 -> map#3. Type 'help' for commands.");
    expect(answerTo(t, 'stages')).toContain('timeWindow#2  (2)');

    // One element through every stage: its input, and each stage's input and output.
    const first = answerTo(t, 'next');
    expect(first).toContain('── element 0');
    expect(first).toMatch(/source\s+\{sensor: "s1", time: 1700000000023, value: 21\.062, accel: float32\[3\] \[0\.477, 0\.199, 9\.814\]\}/);
    expect(first).toMatch(/map#0\s+in /);
    expect(first).toMatch(/out\s+\{sensor: "s1", time: 1700000000023, celsius: 20\.15882/);
    expect(first).toMatch(/timeWindow#2\s+in .*\n\s+out\s+\(nothing: filtered out or held in state\)/);

    // A tensor in full, with dtype and shape.
    expect(answerTo(t, 'print 0 in accel').trim()).toBe(`accel: Tensor float32 shape [3]\n${JSON.stringify(rows[0].accel)}`);
    expect(answerTo(t, 'print map#0 sensor').trim()).toBe('sensor: "s1"');

    // until a condition: stops at the first element whose value exceeds 25 (it is not element 0).
    expect(firstHot).toBeGreaterThan(1);
    const hot = answerTo(t, 'until value > 25');
    expect(hot).toContain(`── element ${firstHot}\n`);
    expect(hot).toContain(`(${firstHot - 1} elements passed)`);
    expect(hot).toContain(`value: ${rows[firstHot].value}`);

    // until a stage: stops when the window closes and map#3 emits the per-sensor means.
    const closed = answerTo(t, 'until map#3');
    expect(closed).toMatch(/map#3\s+in /);
    expect(closed).toMatch(/out\s+\{sensor: "s1", start: 1699999980000, end: 1700000040000, readings: 4, celsius: /);
    expect(closed).toMatch(/output: 3 elements/);

    expect(answerTo(t, 'bogus')).toContain("unknown command 'bogus'; type 'help'");
    const rest = answerTo(t, 'continue');
    expect(rest).toContain('── end of input: stages flush what they hold');
    expect(answerTo(t, 'next', true).trim()).toBe('the input has ended');
  });

  it('shows a pipeline error at the element and stage that failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-e2e-debug-'));
    try {
      const pipeline = join(dir, 'broken.ts');
      // map#1 reshapes a 3-vector to 2 elements: it fails on the first element, after map#0 worked.
      writeFileSync(pipeline, "import { map, ops, pipeline } from '@weir/dataflow';\nexport default pipeline(map((r: any) => r), map((r: any) => ({ v: ops.reshape(r.accel, [2]) })));\n");
      const r = await weir(['debug', pipeline, '--input', SENSORS_CSV], { stdin: 'next\nnext\nquit\n' });
      expect(r.code).toBe(0);
      const step = answerTo(r.stdout, 'next');
      expect(step).toContain('── element 0');
      expect(step).toMatch(/map#0\s+in .*\n\s+out /);
      expect(step).toMatch(/error: Stage map#1 \(op 'reshape'\) failed on source element 0/);
      expect(step).toContain('the run has stopped');
      expect(answerTo(r.stdout, 'next', true).trim()).toBe('the run has stopped after an error');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
