// A one-line progress bar on a terminal (rows/s, MB/s of Parquet written, ETA), set against the
// plan's prediction of the run's rows and time; silent elsewhere and in CI.
export interface Prediction {
  rows: number;
  seconds: number;
}

export class Progress {
  private readonly started = Date.now();
  private rows = 0;

  constructor(
    private readonly enabled: boolean,
    private readonly total: number,
    private done_: number,
    private readonly predicted: Prediction | null = null,
  ) {}

  tick(rows: number, bytesWritten: number): void {
    this.done_++;
    this.rows += rows;
    if (!this.enabled) return;
    const s = (Date.now() - this.started) / 1000;
    const rate = this.rows / Math.max(s, 1e-3);
    const frac = this.done_ / Math.max(1, this.total);
    const eta = frac > 0 ? (s / frac) * (1 - frac) : 0;
    const bar = '#'.repeat(Math.round(frac * 30)).padEnd(30, '.');
    const mbs = bytesWritten / 1e6 / Math.max(s, 1e-3);
    const n = (x: number) => Math.round(x).toLocaleString('en');
    const plan = this.predicted
      ? `  rows ${n(this.rows)} of ~${n(this.predicted.rows)} planned  ETA ${eta.toFixed(0)}s ` +
        `(planned total ${this.predicted.seconds.toFixed(0)}s)`
      : `  ETA ${eta.toFixed(0)}s`;
    process.stderr.write(`\r[${bar}] ${(frac * 100).toFixed(0)}%  ${n(rate)} rows/s  ${mbs.toFixed(1)} MB/s${plan}   `);
  }

  done(): void {
    if (this.enabled) process.stderr.write('\n');
  }
}
