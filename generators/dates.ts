// Dates as days since 1970-01-01 (DuckDB's DATE), so columns stay plain Int32Arrays.
const DAY = 86_400_000;

export function day(year: number, month: number, dayOfMonth: number): number {
  return Date.UTC(year, month - 1, dayOfMonth) / DAY;
}

export function yearOf(d: number): number {
  return new Date(d * DAY).getUTCFullYear();
}

export function parts(d: number): [number, number, number] {
  const t = new Date(d * DAY);
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
}

/** First day of the month after `d`: when a processed claim becomes available (FLX_DIS_DTD). */
export function firstOfNextMonth(d: number): number {
  const [y, m] = parts(d);
  return m === 12 ? day(y + 1, 1, 1) : day(y, m + 1, 1);
}

/** The SNDS sentinel for a missing date. */
export const SENTINEL_DATE = day(1600, 1, 1);

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;

/** DDMMYYYY, as PMSI writes dates. */
export function ddmmyyyy(d: number): string {
  const [y, m, dd] = parts(d);
  return pad2(dd) + pad2(m) + y;
}

export { pad2 };
