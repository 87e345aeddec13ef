import { SingleBar } from 'cli-progress';

/** How long a run goes before a progress line appears: short runs stay quiet. */
const SHOW_AFTER_MS = 1000;
const UPDATE_MS = 200;

/**
 * A progress line on stderr (rows read, rows/s, elapsed) for runs longer than about a second, only when
 * stderr is a terminal (never in pipes, logs or CI) and not under --quiet. `rows` is read on a timer, so
 * the hot loop pays nothing per row.
 *
 * ```ts
 * const progress = Progress.start(() => stats.rows, { quiet: false });
 * ... run ...
 * progress.stop();
 * ```
 */
export class Progress {
  private bar: SingleBar | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly started = Date.now();

  private constructor(private readonly rows: () => number) {}

  static start(rows: () => number, options: { quiet: boolean; stream?: NodeJS.WriteStream }): Progress {
    const p = new Progress(rows);
    const stream = options.stream ?? process.stderr;
    if (options.quiet || !stream.isTTY) return p;
    p.timer = setInterval(() => p.tick(stream), UPDATE_MS);
    // A progress line must never keep a finished run alive.
    p.timer.unref();
    return p;
  }

  private tick(stream: NodeJS.WriteStream): void {
    const elapsed = Date.now() - this.started;
    if (elapsed < SHOW_AFTER_MS) return;
    const rows = this.rows();
    const payload = { rows: rows.toLocaleString('en-US'), rate: Math.round(rows / (elapsed / 1000)).toLocaleString('en-US'), secs: (elapsed / 1000).toFixed(1) };
    if (this.bar === undefined) {
      this.bar = new SingleBar({
        stream,
        format: 'weir | {rows} rows read | {rate} rows/s | {secs}s',
        hideCursor: true,
        clearOnComplete: true,
        // The total is unknown while streaming; the line shows counters, not a bar.
        noTTYOutput: false,
      });
      this.bar.start(0, 0, payload);
    } else this.bar.update(0, payload);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.bar?.stop();
    this.bar = undefined;
  }
}
