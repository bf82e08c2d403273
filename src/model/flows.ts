// When a claim is processed (FLX_TRT_DTD): most within the month of care, about 98% within six months,
// the rest in a tail up to 18 monthly flows later (calibration/referentials.json, flows). Pure: a
// function of the claim's end of care and a uniform draw.
import { referentialParams } from './coverage.js';
import { day } from './dates.js';

const MONTH = 30.44;

/** Processing day of a claim whose care ended on `end`, from two uniform draws u and v. */
export function processedOn(end: number, u: number, v: number, lastYear: number): number {
  const f = referentialParams().flows;
  let delay: number;
  if (u < f.within_month) delay = 1 + Math.floor(v * 30);
  else if (u < f.within_six_months) delay = 31 + Math.floor(v * 5 * MONTH);
  else delay = Math.floor(6 * MONTH) + 1 + Math.floor(v * (f.last_month - 6) * MONTH);
  return Math.min(closingDay(lastYear), end + delay);
}

/** The extraction closes some months after the last year's end: nothing is processed later. */
export function closingDay(lastYear: number): number {
  return day(lastYear, 12 + referentialParams().flows.extraction_months_after_last_year + 1, 0);
}
