// The decomptes of a person's year as the flows deliver them: each claim once, processed after its care
// (model/flows.ts), and for a share of them a regularisation: a later decompte cancelling the first
// (negative quantities and amounts) and one billing it again, the lines analysts net out by summing.
import type { Claim } from '../model/care.js';
import { hashDraw, referentialParams } from '../model/coverage.js';
import { STREAM } from '../model/streams.js';
import { closingDay, processedOn } from '../model/flows.js';
import type { Params } from '../model/population.js';
import type { Line } from './claim-lines.js';

export interface Decompte {
  claim: Claim;
  /** 1 for a billing, -1 for the decompte that cancels an earlier one. */
  sign: 1 | -1;
  /** FLX_TRT_DTD. */
  treated: number;
}

const LAST_FLOW_DAYS = 540;

/** The decomptes of a year's claims (at most `max`), regularisations after the claims they correct. */
export function decomptesOf(p: Params, i: number, y: number, claims: Claim[], max: number): Decompte[] {
  const r = referentialParams().regularisation;
  const out: Decompte[] = [];
  const later: Decompte[] = [];
  const closing = closingDay(p.lastYear);
  claims.slice(0, max).forEach((claim, seq) => {
    const u = hashDraw(p, STREAM.flow, i, y, seq);
    const treated = processedOn(claim.end, u, hashDraw(p, STREAM.flow, i, y, seq, 1), p.lastYear);
    out.push({ claim, sign: 1, treated });
    if (hashDraw(p, STREAM.regularisation, i, y, seq) >= r.share_of_decomptes) return;
    const [lo, hi] = r.delay_days;
    const cancelled = treated + lo + Math.floor(hashDraw(p, STREAM.regularisation, i, y, seq, 1) * (hi - lo));
    if (cancelled >= closing) return;
    const rebilled = cancelled + 1 + Math.floor(hashDraw(p, STREAM.regularisation, i, y, seq, 2) * 30);
    // The whole correction stays within the flows' 18 months.
    if (rebilled - claim.end > LAST_FLOW_DAYS) return;
    later.push({ claim, sign: -1, treated: cancelled });
    later.push({ claim, sign: 1, treated: Math.min(closing, rebilled) });
  });
  return [...out, ...later].slice(0, max);
}

/** A decompte's lines with its sign: a cancelling decompte negates quantities, amounts and boxes. */
export function signedLines(lines: Line[], sign: 1 | -1): Line[] {
  if (sign === 1) return lines;
  return lines.map((l) => ({
    ...l,
    base: -l.base,
    overbilling: -l.overbilling,
    quantity: -l.quantity,
    drugs: l.drugs.map((d) => ({ ...d, boxes: -d.boxes })),
  }));
}
