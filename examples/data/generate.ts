/**
 * Regenerates the example data files, deterministically (a seeded PRNG), so they can be re-made and checked:
 *
 *   npx tsx examples/data/generate.ts
 *
 * - sensors.csv: three sensors reporting every ~10 s for ~25 minutes: id, event time (ms), a temperature
 *   reading, and a 3-axis accelerometer sample as a small tensor. A few readings arrive out of order, as
 *   they do from real devices (event-time windows put them back in their window).
 * - features.ndjson: 600 8-wide feature vectors in 4 groups (the dense-layer example's input).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 as prng } from '@weir/dataflow';


const round = (x: number, digits: number) => Number(x.toFixed(digits));

export function sensorsCsv(): string {
  const rand = prng(7);
  const sensors = [
    { id: 's1', base: 21.5 },
    { id: 's2', base: 19.0 },
    { id: 's3', base: 24.2 },
  ];
  const t0 = 1_700_000_000_000;
  const rows: { line: string; time: number }[] = [];
  for (let k = 0; k < 150; k++) {
    for (const s of sensors) {
      const time = t0 + k * 10_000 + Math.floor(rand() * 2_000);
      const value = round(s.base + 2 * Math.sin(k / 12) + (rand() - 0.5), 3);
      const accel = [round(rand() - 0.5, 3), round(rand() - 0.5, 3), round(9.81 + (rand() - 0.5) / 5, 3)];
      rows.push({ line: `${s.id},${time},${value},"[${accel.join(',')}]"`, time });
    }
  }
  // A few late arrivals: swap some neighbouring rows so their event times go backwards in the file.
  for (let i = 10; i < rows.length - 1; i += 47) [rows[i], rows[i + 1]] = [rows[i + 1], rows[i]];
  return ['sensor,time,value,accel', ...rows.map((r) => r.line)].join('\n') + '\n';
}

export function featuresNdjson(): string {
  const rand = prng(11);
  const lines: string[] = [];
  for (let i = 0; i < 600; i++) {
    const group = Math.floor(rand() * 4);
    const x = Array.from({ length: 8 }, () => round(rand() * 2 - 1, 4));
    lines.push(JSON.stringify({ id: i, group, x }));
  }
  return lines.join('\n') + '\n';
}

if (require.main === module) {
  writeFileSync(join(__dirname, 'sensors.csv'), sensorsCsv());
  writeFileSync(join(__dirname, 'features.ndjson'), featuresNdjson());
}
