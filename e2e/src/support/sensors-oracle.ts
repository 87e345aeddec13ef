import { readFileSync } from 'node:fs';

/**
 * What examples/sensors.ts must output for a sensors CSV, computed here in plain JS (no Weir): calibrate
 * each reading, group by sensor and the minute of its event time, and average. Keyed by `sensor|start`.
 */
export function expectedSensorMeans(csvPath: string): Map<string, { sensor: string; start: number; end: number; readings: number; celsius: number; magnitude: number }> {
  const [, ...lines] = readFileSync(csvPath, 'utf8').trim().split('\n');
  const groups = new Map<string, { sensor: string; start: number; celsius: number[]; magnitude: number[] }>();
  for (const line of lines) {
    const m = /^([^,]+),(\d+),([^,]+),"\[([^\]]*)\]"$/.exec(line);
    if (m === null) throw new Error(`unexpected line in ${csvPath}: ${line}`);
    const [, sensor, time, value, accel] = m;
    const start = Math.floor(Number(time) / 60_000) * 60_000;
    const key = `${sensor}|${start}`;
    const g = groups.get(key) ?? { sensor, start, celsius: [], magnitude: [] };
    g.celsius.push((Number(value) - 0.5) / 1.02);
    g.magnitude.push(Math.sqrt(accel.split(',').map(Number).reduce((s, a) => s + Math.fround(a) ** 2, 0)));
    groups.set(key, g);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return new Map(
    [...groups].map(([k, g]) => [k, { sensor: g.sensor, start: g.start, end: g.start + 60_000, readings: g.celsius.length, celsius: mean(g.celsius), magnitude: mean(g.magnitude) }]),
  );
}
