import { createWriteStream, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { parseCsv, tempDir, weir } from './support/weir';

/**
 * A pipeline over a generated input much larger than the memory it may use. CI runs it at WEIR_E2E_BIG_MB
 * (default 20 MB); the full check is WEIR_E2E_BIG_MB=1100 (> 1 GB). Either way the weir process's peak
 * resident memory must stay under 300 MB, and every input row must be accounted for in the output.
 */
const SIZE_MB = Number(process.env.WEIR_E2E_BIG_MB ?? 20);
const PEAK_LIMIT_MB = 300;
const SENSORS = 50;

const tmp = tempDir('big');
afterAll(() => tmp.remove());

/** Writes sensors CSV (one reading per sensor per second) until the file reaches `mb` MB; returns the rows. */
async function generate(path: string, mb: number): Promise<number> {
  const out = createWriteStream(path);
  out.write('sensor,time,value,accel\n');
  const t0 = 1_700_000_040_000; // a minute boundary, so every window but the last is full
  let bytes = 0;
  let i = 0;
  while (bytes < mb * 1e6) {
    let chunk = '';
    for (let k = 0; k < 2000; k++, i++) {
      chunk += `s${i % SENSORS},${t0 + Math.floor(i / SENSORS) * 1000},${(20 + (i % 13) * 0.37).toFixed(2)},"[${(i % 5) / 10},${(i % 3) / 5},9.81]"\n`;
    }
    bytes += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return i;
}

describe(`a ${SIZE_MB} MB input`, () => {
  it(
    `streams through the sensors pipeline in graph mode with peak memory under ${PEAK_LIMIT_MB} MB`,
    async () => {
      const input = tmp.path('big.csv');
      const rows = await generate(input, SIZE_MB);
      const output = tmp.path('means.csv');
      const started = Date.now();
      const r = await weir(['run', 'examples/sensors.ts', '--input', input, '--output', output], { measureRss: true, timeoutMs: (120 + 4 * SIZE_MB) * 1000 });
      const seconds = (Date.now() - started) / 1000;
      expect(r.stderr).not.toMatch(/error/);
      expect(r.code).toBe(0);
      const peak = r.peakRssMb as number;
      // Reported in the test log: the figure the memory claim rests on.
      console.log(
        `big input: ${(statSync(input).size / 1e6).toFixed(0)} MB, ${rows.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s; ` +
          `weir peak RSS ${peak.toFixed(0)} MB (limit ${PEAK_LIMIT_MB} MB)`,
      );
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThan(PEAK_LIMIT_MB);
      // Nothing lost: the windows' reading counts add up to the input rows, one window per sensor-minute.
      const means = parseCsv(readFileSync(output, 'utf8'));
      expect(means.reduce((n, m) => n + (m.readings as number), 0)).toBe(rows);
      expect(means).toHaveLength(SENSORS * Math.ceil(rows / SENSORS / 60));
      const full = means.find((m) => m.readings === 60)!;
      expect(full.celsius).toBeGreaterThan((20 - 0.5) / 1.02);
      expect(full.celsius).toBeLessThan((20 + 12 * 0.37 - 0.5) / 1.02);
    },
    (300 + 5 * SIZE_MB) * 1000,
  );
});
