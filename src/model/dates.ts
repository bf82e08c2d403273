// Dates as days since 1970-01-01 (DuckDB's DATE), so columns stay plain Int32Arrays.
const DAY = 86_400_000;

export function day(year: number, month: number, dayOfMonth: number): number {
  return Date.UTC(year, month - 1, dayOfMonth) / DAY;
}

export function yearOf(d: number): number {
  return parts(d)[0];
}

/**
 * [year, month, day of month] of a day number, in integer arithmetic (H. Hinnant's civil_from_days,
 * proleptic Gregorian like Date): called for every claim line, where a Date object per call costs.
 */
export function parts(d: number): [number, number, number] {
  const z = d + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, doy - Math.floor((153 * mp + 2) / 5) + 1];
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
