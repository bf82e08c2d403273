// Health professionals and establishments: pools sized from the number of beneficiaries, so every
// shard knows the same referential without generating it. A claim points at a pool member by index.
import { calibration } from './calibration.js';
import { mix32, type Rng } from './rng.js';
import { professionalNumber } from './ids.js';
import type { Params } from './population.js';
import { activityOf, ambulatorySpecialties, gpSpecialty } from './ambulatory.js';

export interface Providers {
  /** Professionals: GPs, then each specialty's pool, then pharmacies, then laboratories. */
  professionals: { count: number; specialty: (j: number) => number; activity: (j: number) => number };
  establishments: number;
  gpOf(i: number): number;
  specialistOf(spe: number, i: number): number;
  pharmacyOf(i: number): number;
  labOf(i: number): number;
  establishmentOf(rng: Rng): number;
  isPrivate(e: number): boolean;
  professionalNumber(j: number): string;
  /** FINESS-shaped number (9 characters, département first) of establishment e. */
  finess(e: number): string;
  establishmentDept(e: number): string;
}

const cache = new Map<string, Providers>();

export function providers(p: Params): Providers {
  const key = `${p.seed}:${p.beneficiaries}`;
  let v = cache.get(key);
  if (!v) cache.set(key, (v = build(p)));
  return v;
}

function build(p: Params): Providers {
  const m = calibration().model;
  const per = m.professionals;
  const pool = (n: number) => Math.max(1, Math.ceil(p.beneficiaries / n));
  const specialties = [
    ...new Set([
      ...m.specialist.mix.map((s) => s.spe),
      ...m.conditions.flatMap((c) => c.specialists.map((s) => s.spe)),
      ...ambulatorySpecialties(),
    ]),
  ].sort((a, b) => a - b);
  const gps = pool(per.beneficiaries_per_gp);
  const spePool = pool(per.beneficiaries_per_specialist);
  const pharmacies = pool(per.beneficiaries_per_pharmacy);
  const labs = pool(per.beneficiaries_per_lab);
  const speStart = gps;
  const pharmaStart = speStart + specialties.length * spePool;
  const labStart = pharmaStart + pharmacies;
  const count = labStart + labs;
  const establishments = Math.max(3, pool(per.beneficiaries_per_establishment));
  const spread = (i: number, n: number) => mix32(i ^ p.seed) % n;
  const depts = calibration().deptCodes;
  const specialtyOf = (j: number) =>
    j < speStart ? gpSpecialty(j) : j < pharmaStart ? specialties[Math.floor((j - speStart) / spePool)] : 0;
  return {
    professionals: {
      count,
      specialty: specialtyOf,
      activity: (j) => (j < pharmaStart ? activityOf(specialtyOf(j)) : j < labStart ? 50 : 30),
    },
    establishments,
    gpOf: (i) => spread(i, gps),
    specialistOf: (spe, i) => speStart + specialties.indexOf(spe) * spePool + spread(i * 31 + spe, spePool),
    pharmacyOf: (i) => pharmaStart + spread(i * 7, pharmacies),
    labOf: (i) => labStart + spread(i * 13, labs),
    establishmentOf: (rng) => rng.int(establishments),
    isPrivate: (e) => e % 3 === 2,
    professionalNumber: (j) => professionalNumber(j, p.seed),
    finess: (e) => {
      const d = depts[e % depts.length];
      return (d.length === 2 ? d : d.slice(0, 2)) + '99' + String(e).padStart(5, '0');
    },
    establishmentDept: (e) => depts[e % depts.length],
  };
}
