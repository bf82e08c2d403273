// Where a beneficiary lives and the places the referentials are spread over: the département of a
// person without drawing the whole person, the share of the population each département holds, and
// the region each belongs to (IR_DPT_V).
import { readFileSync } from 'node:fs';
import { calibration, nomenclaturePath, snDept } from './calibration.js';
import { personRng, type Params } from './population.js';
import { STREAM } from './streams.js';

let lastKey = '';
let lastDept = '';

/** The département of beneficiary `index`: the first draw of person() (population.ts), made alone. */
export function deptOf(p: Params, index: number): string {
  const key = `${p.seed}:${index}`;
  if (key === lastKey) return lastDept;
  const cal = calibration();
  const dept = cal.cells[personRng(p, index, STREAM.demography).pick(cal.cellCumulative)].dept;
  lastKey = key;
  lastDept = dept;
  return dept;
}

let shares: Map<string, number> | undefined;
/** Each département's share of the population (the population cells' weights). */
export function deptShares(): Map<string, number> {
  if (shares) return shares;
  const cal = calibration();
  const cum = cal.cellCumulative;
  const total = cum[cum.length - 1];
  shares = new Map();
  cal.cells.forEach((c, k) => {
    const w = (cum[k] - (k ? cum[k - 1] : 0)) / total;
    shares!.set(c.dept, (shares!.get(c.dept) ?? 0) + w);
  });
  return shares;
}

let regions: Map<string, string> | undefined;
/** The region code (GEO_REG_COD of IR_DPT_V) of a département. */
export function regionOf(dept: string): string {
  if (!regions) {
    regions = new Map();
    for (const line of readFileSync(nomenclaturePath('IR_DPT_V'), 'utf8').split(/\r?\n/).slice(1)) {
      const [code, region] = line.split(';');
      if (code) regions.set(code, region);
    }
  }
  return regions.get(snDept(dept)) ?? '99';
}
