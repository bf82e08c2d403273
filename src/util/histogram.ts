// A mergeable log-bucketed histogram (HDR-style): every value lands in a bucket whose width is 0.5%
// of its value, so any percentile read back is within 0.5% of the exact one, and histograms from
// several k6 processes add up bucket by bucket instead of averaging percentiles.
const GROWTH = 1.005;
const LOG = Math.log(GROWTH);

export class Histogram {
  readonly buckets = new Map<number, number>();
  count = 0;
  zeros = 0;
  min = Infinity;
  max = -Infinity;

  add(v: number, n = 1): void {
    this.count += n;
    this.min = Math.min(this.min, v);
    this.max = Math.max(this.max, v);
    if (v <= 0) {
      this.zeros += n;
      return;
    }
    const b = Math.floor(Math.log(v) / LOG);
    this.buckets.set(b, (this.buckets.get(b) ?? 0) + n);
  }

  merge(o: Histogram): void {
    this.count += o.count;
    this.zeros += o.zeros;
    this.min = Math.min(this.min, o.min);
    this.max = Math.max(this.max, o.max);
    for (const [b, n] of o.buckets) this.buckets.set(b, (this.buckets.get(b) ?? 0) + n);
  }

  /** The p-th percentile (0-100), as the geometric middle of its bucket, clamped to [min, max]. */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    if (rank <= this.zeros) return 0;
    let seen = this.zeros;
    for (const b of [...this.buckets.keys()].sort((x, y) => x - y)) {
      seen += this.buckets.get(b)!;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, GROWTH ** (b + 0.5)));
    }
    return this.max;
  }

  toJSON(): object {
    return {
      count: this.count,
      zeros: this.zeros,
      min: this.min,
      max: this.max,
      buckets: Object.fromEntries(this.buckets),
    };
  }
}
