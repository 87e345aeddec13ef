/**
 * Sensor readings -> calibrated values -> one-minute event-time windows per sensor -> averages.
 *
 *   apps/cli/bin/weir run examples/sensors.ts --input examples/data/sensors.csv --output out/sensor-means.csv
 *
 * Input (CSV): sensor id, event time in ms, a temperature reading, and a 3-axis accelerometer sample as a
 * tensor field ("[x,y,z]"). Output: one record per sensor and minute with the mean calibrated temperature
 * and the mean acceleration magnitude.
 */
import { keyBy, map, ops, pipeline, window, type Tensor, type WindowPane } from '@weir/dataflow';

/** The pipeline's input signature: `weir` reads the CSV with these types (no inference needed). */
export const inputSchema = {
  sensor: { type: 'string' },
  time: { type: 'number' },
  value: { type: 'number' },
  accel: { type: 'tensor', dtype: 'float32', shape: [3] },
};

interface Reading {
  sensor: string;
  time: number;
  value: number;
  accel: Tensor;
}

interface Calibrated {
  sensor: string;
  time: number;
  celsius: number | Tensor;
  magnitude: number | Tensor;
}

/** The sensors' calibration: readings are offset by +0.5 degrees and scaled by 1.02. */
const OFFSET = 0.5;
const SCALE = 1.02;
const MINUTE = 60_000;

export default pipeline(
  // Per reading: calibrate the temperature, and reduce the acceleration vector to its magnitude.
  map((r: Reading): Calibrated => ({
    sensor: r.sensor,
    time: r.time,
    celsius: ops.div(ops.sub(r.value, OFFSET), SCALE),
    magnitude: ops.sqrt(ops.sum(ops.square(r.accel))),
  })),
  keyBy((r: Calibrated) => r.sensor),
  // Devices deliver a little out of order; readings up to 30 s late still count in their minute.
  window({ time: 'time', size: MINUTE, allowedLateness: 30_000 }),
  // Per sensor and minute: the means over the window's readings.
  map((pane: WindowPane<Calibrated>) => ({
    sensor: pane.key as string,
    start: pane.start,
    end: pane.end,
    readings: pane.records.length,
    celsius: ops.mean(ops.stack(pane.records.map((r) => r.celsius))),
    magnitude: ops.mean(ops.stack(pane.records.map((r) => r.magnitude))),
  })),
);
