import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedSensorMeans } from './support/sensors-oracle';
import { EXAMPLES, expectClose, parseCsv, ROOT, tempDir, weir } from './support/weir';

const tmp = tempDir('readme');
afterAll(() => tmp.remove());

describe("the README's first command", () => {
  it('runs the sensors example on the shipped CSV and writes the per-sensor minute means', async () => {
    const out = tmp.path('sensor-means.csv');
    // Exactly as the README has it, from the repository root.
    const r = await weir(['run', 'examples/sensors.ts', '--input', 'examples/data/sensors.csv', '--output', out]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    const expected = expectedSensorMeans(join(EXAMPLES, 'data/sensors.csv'));
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) {
      const want = expected.get(`${row.sensor}|${row.start}`);
      expect(want).toBeDefined();
      expectClose(row, want, 1e-5);
    }
    // The summary line on stderr says what happened.
    expect(r.stderr).toMatch(/read 450 rows, wrote 78/);
  });

  it('`npm run example` prints the same means to stdout as CSV', () => {
    const r = spawnSync('npm', ['run', '--silent', 'example'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(0);
    const rows = parseCsv(r.stdout);
    const expected = expectedSensorMeans(join(EXAMPLES, 'data/sensors.csv'));
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) expectClose(row, expected.get(`${row.sensor}|${row.start}`), 1e-5);
  });
});
