// calibration/drugs.json and calibration/biology.json checked when loaded: every substance they name is in
// the drug catalogue, every NABM code in IR_BIO_R, every specialty in IR_SPE_V, every per-band list has
// one entry a band, every probability and share lies in [0, 1].
import { biology, catalogue, drugs } from './drug-catalogue.js';
import type { Nomenclatures } from './check.js';

export function drugModelProblems(n: Nomenclatures, bands: number): string[] {
  const problems: string[] = [];
  const d = drugs();
  const b = biology();
  const atc = (entry: string, code: string) => {
    if (!catalogue().substances.has(code)) problems.push(`drugs.json ${entry} "${code}" is not in drugs_catalogue.csv`);
  };
  const weights = (entry: string, w: Record<string, number>) => Object.keys(w).forEach((c) => atc(entry, c));
  const share = (entry: string, x: number) => {
    if (!(x >= 0 && x <= 1)) problems.push(`${entry} ${x} is not a share in [0, 1]`);
  };
  const perBand = (entry: string, list: number[]) => {
    if (list.length !== bands) problems.push(`${entry} has ${list.length} entries for ${bands} age_bands`);
  };
  const specialty = (entry: string, spe: number) => {
    if (!n.IR_SPE_V.has(String(spe))) problems.push(`drugs.json ${entry} ${spe} is not a specialty (IR_SPE_V)`);
  };
  d.acute.classes.forEach((c) => {
    weights(`acute.${c.name}`, c.substances as unknown as Record<string, number>);
    share(`drugs.json acute.${c.name}.probability`, c.probability);
  });
  weights('dental.antibiotics', d.dental.antibiotics);
  weights('dental.analgesics', d.dental.analgesics);
  specialty('dental.specialty', d.dental.specialty);
  perBand('drugs.json dental.per_person_year', d.dental.per_person_year);
  perBand('drugs.json hospital.per_person_year', d.hospital.per_person_year);
  Object.keys(d.hospital.specialties).forEach((s) => specialty('hospital.specialties', Number(s)));
  d.chronic.classes.forEach((c) => {
    weights(`chronic.${c.name}`, c.substances as unknown as Record<string, number>);
    perBand(`drugs.json chronic.${c.name}.reach`, c.reach);
    c.reach.forEach((r) => share(`drugs.json chronic.${c.name}.reach`, r));
    if ('specialty' in c && c.specialty) specialty(`chronic.${c.name}.specialty`, c.specialty);
  });
  // Side tables keyed by a condition's name are checked by condition-names.ts.
  const classNames = d.chronic.classes.map((c) => c.name);
  const p = d.persistence as unknown as Record<string, Record<string, { adherence: number[]; stop_per_year: number }>>;
  for (const name of Object.keys(p.classes))
    if (!classNames.includes(name)) problems.push(`drugs.json persistence.classes "${name}" names no chronic class`);
  for (const [entry, x] of [['default', p.default], ...Object.entries(p.classes), ...Object.entries(p.atc)] as const) {
    const e = x as unknown as { adherence: number[]; stop_per_year: number };
    if (!(e.stop_per_year > 0)) problems.push(`drugs.json persistence.${entry}.stop_per_year must be above 0`);
    if (!(e.adherence[0] > 0 && e.adherence[0] < 1 && e.adherence[1] > 0))
      problems.push(`drugs.json persistence.${entry}.adherence must be [mean in (0, 1), concentration > 0]`);
  }
  for (const [name, list] of Object.entries(d.condition_extras)) {
    if (name.startsWith('_')) continue;
    (list as { atc: string; share: number }[]).forEach((x) => {
      atc(`condition_extras.${name}`, x.atc);
      share(`drugs.json condition_extras.${name}.${x.atc}`, x.share);
    });
  }
  for (const [name, x] of Object.entries(d.condition_specialty))
    if (!name.startsWith('_')) specialty(`condition_specialty.${name}`, (x as { specialty: number }).specialty);
  d.vaccines.list.forEach((v) => {
    atc('vaccines', v.atc);
    share(`drugs.json vaccines.${v.atc}.share`, v.share);
  });
  specialty('vaccines.paediatrics_specialty', d.vaccines.paediatrics_specialty);
  const nabm = (entry: string, code: number) => {
    if (!n.IR_BIO_R.has(String(code))) problems.push(`biology.json ${entry} ${code} is not a NABM act (IR_BIO_R)`);
  };
  b.tests.forEach((t) => nabm('tests', t.nabm));
  [b.blood_forfait, b.preanalytic_forfait, b.bacteriology_forfait, ...b.bacteriology].forEach((c) =>
    nabm('forfaits', c),
  );
  perBand('biology.json visits_per_person_year', b.visits_per_person_year);
  return problems;
}
