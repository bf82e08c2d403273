// What repetitions allow one to say: a figure's median with the range of its runs, and a ranking of
// candidates on a criterion that holds only where the ranges do not overlap. One run per candidate
// says nothing of the noise, so it ranks nobody.
export interface Interval {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function interval(values: number[]): Interval | null {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length };
}

export const overlap = (a: Interval, b: Interval) => a.min <= b.max && b.min <= a.max;

/** "a > b ≈ c": candidates from best to worst by median; ">" only where the intervals are apart and
 * both have two runs or more, "≈" (indistinguishable) otherwise. Null for criteria that do not order. */
export function ranking(op: '<=' | '>=' | '==', cells: Record<string, Interval | null>): string | null {
  if (op === '==') return null;
  const known = Object.entries(cells).filter((e): e is [string, Interval] => e[1] !== null);
  if (known.length < 2) return null;
  known.sort((a, b) => (op === '>=' ? b[1].median - a[1].median : a[1].median - b[1].median));
  let text = known[0][0];
  for (let i = 1; i < known.length; i++) {
    const [a, b] = [known[i - 1][1], known[i][1]];
    const apart = a.n >= 2 && b.n >= 2 && !overlap(a, b);
    text += `${apart ? ' > ' : ' ≈ '}${known[i][0]}`;
  }
  return text.includes('≈') && !text.includes('>') ? `${text}: indistinguishable` : text;
}

/** "357 [340–371]" for a repeated figure, the figure alone for one run. */
export function showInterval(i: Interval, fmt: (v: number) => string): string {
  return i.n > 1 ? `${fmt(i.median)} [${fmt(i.min)}–${fmt(i.max)}]` : fmt(i.median);
}
