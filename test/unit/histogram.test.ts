import { describe, expect, it } from 'vitest';
import { Histogram } from '../../src/util/histogram.js';

function exact(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
}

describe('mergeable histogram', () => {
  it('merged p50/p95/p99 of several processes are within 1% of the exact percentiles of all samples', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const processes = [0, 1, 2, 3].map((k) =>
      Array.from({ length: 20000 }, () => 5 + k * 3 + -Math.log(1 - rnd()) * (20 + 30 * k)),
    );
    const merged = new Histogram();
    for (const samples of processes) {
      const h = new Histogram();
      samples.forEach((v) => h.add(v));
      merged.merge(h);
    }
    const all = processes.flat();
    for (const p of [50, 95, 99]) {
      const truth = exact(all, p);
      expect(Math.abs(merged.percentile(p) / truth - 1)).toBeLessThan(0.01);
    }
    // Averaging the processes' own p99 would be far off: the check above is not trivially true.
    const averaged = processes.map((s) => exact(s, 99)).reduce((a, b) => a + b) / processes.length;
    expect(Math.abs(averaged / exact(all, 99) - 1)).toBeGreaterThan(0.05);
  });
});
