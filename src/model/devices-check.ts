// calibration/devices.json checked when the calibration is loaded: every nature it bills is an LPP nature
// of IR_NAT_V (3500-3599, where validate counts the devices), every supplier an activity of IR_ACT_V,
// every per-band list one entry a model age band, every share a probability, and the condition it
// names one of model.json's.
import type data from '../../calibration/devices.json';

type Devices = typeof data;

export interface DeviceNomenclatures {
  natures: ReadonlySet<string>;
  activities: ReadonlySet<string>;
}

/** The LPP natures of IR_NAT_V: the range validate's spending checks take for devices. */
export const LPP_NATURE_RANGE = [3500, 3599] as const;

/** The file's problems, one line each naming its entry; empty when sound. */
export function deviceProblems(d: Devices, n: DeviceNomenclatures, bands: number, conditions: string[]): string[] {
  const problems: string[] = [];
  const bad = (entry: string, value: unknown, why: string) =>
    problems.push(`devices.json ${entry} ${JSON.stringify(value)} ${why}`);
  const walk = (entry: string, v: unknown): void => {
    if (Array.isArray(v)) {
      if (/_share$/.test(entry)) {
        if (v.length !== bands) bad(entry, v.length, `entries, not one a model age band (${bands})`);
        v.forEach((x, i) => {
          if (!(x >= 0 && x <= 1)) bad(`${entry}[${i}]`, x, 'is not a share in [0, 1]');
        });
      }
      return;
    }
    if (v === null || typeof v !== 'object') {
      const key = entry.slice(entry.lastIndexOf('.') + 1);
      if (key === 'nature') {
        const code = Number(v);
        if (!n.natures.has(String(v))) bad(entry, v, 'is not a PRS_NAT_REF nature (IR_NAT_V)');
        else if (code < LPP_NATURE_RANGE[0] || code > LPP_NATURE_RANGE[1]) bad(entry, v, 'is not an LPP nature');
      } else if (/_share$/.test(key) && !(Number(v) >= 0 && Number(v) <= 1)) bad(entry, v, 'is not a share in [0, 1]');
      else if (/^(base|price)$/.test(key) && !(Number(v) >= 0)) bad(entry, v, 'is negative');
      return;
    }
    for (const [k, x] of Object.entries(v)) walk(entry ? `${entry}.${k}` : k, x);
  };
  walk('', d);
  for (const [k, code] of Object.entries(d.suppliers))
    if (!n.activities.has(String(code))) bad(`suppliers.${k}`, code, 'is not an activity nature (IR_ACT_V)');
  for (const [k, x] of Object.entries(d) as [string, unknown][]) {
    const s = (x as { supplier?: string }).supplier;
    if (s !== undefined && !(s in d.suppliers)) bad(`${k}.supplier`, s, 'is not one of suppliers');
  }
  for (const [k, x] of Object.entries(d) as [string, unknown][]) {
    const items = Object.values(x as object).filter((v) => v && typeof v === 'object' && 'price' in v);
    for (const it of items as { base: number; price: number }[])
      if (it.price < it.base) bad(`${k}`, it.price, `is a price under its base ${it.base}`);
  }
  if (!conditions.includes(d.glucose.condition))
    bad('glucose.condition', d.glucose.condition, 'names no condition of model.json');
  if (d.cpap.sex_factor.length !== 2) bad('cpap.sex_factor', d.cpap.sex_factor.length, 'entries, not one a sex (2)');
  return problems;
}
