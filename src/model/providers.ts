// Health professionals and establishments: pools sized by the published density of each profession
// (calibration/referentials.json) over each département's expected beneficiaries, never fewer than one
// per département, so every shard knows the same referential without generating it. A patient sees the
// professionals of their own département (a specialist or a hospital elsewhere in the region or beyond
// at the stated shares); a claim points at a pool member by index.
import { calibration } from './calibration.js';
import { prescribingSpecialties } from './drug-catalogue.js';
import { mix32, streamKey, type Rng } from './rng.js';
import { professionalNumber } from './ids.js';
import type { Params } from './population.js';
import { deptOf, deptShares, regionOf } from './geography.js';
import { referentialParams } from './coverage.js';
import { activityOf, ambulatorySpecialties, gpSpecialty } from './ambulatory.js';

export type EstablishmentStatus = 'public' | 'non_profit' | 'for_profit';

export interface Providers {
  /** Professionals: GPs, then each specialty's pool, then pharmacies, then laboratories (each by département). */
  professionals: {
    count: number;
    specialty: (j: number) => number;
    activity: (j: number) => number;
    dept: (j: number) => string;
  };
  establishments: number;
  /** The GP beneficiary i sees in year y (the first year's when y is not given): GPs change at a yearly rate. */
  gpOf(i: number, y?: number): number;
  /** The médecin traitant declared by beneficiary i of this age in year y, or -1 when none is. */
  declaredGpOf(i: number, y: number, age: number): number;
  specialistOf(spe: number, i: number): number;
  pharmacyOf(i: number): number;
  labOf(i: number): number;
  /** An establishment for a stay or visit of beneficiary i: status by its share of beds, place near home. */
  establishmentOf(rng: Rng, i?: number): number;
  /** Private for-profit clinics: their stays are also billed in DCIR. */
  isPrivate(e: number): boolean;
  status(e: number): EstablishmentStatus;
  /** Share of the stays drawn in a private for-profit clinic (for plan). */
  privateStayShare: number;
  professionalNumber(j: number): string;
  /** FINESS-shaped number (9 characters: département, `99`, serial, check digit) of establishment e. */
  finess(e: number): string;
  establishmentDept(e: number): string;
}

const cache = new Map<string, Providers>();

export function providers(p: Params): Providers {
  const key = `${p.seed}:${p.beneficiaries}:${p.firstYear}`;
  let v = cache.get(key);
  if (!v) cache.set(key, (v = build(p)));
  return v;
}

/** The specialties with a pool: those the model visits and those the referential gives a density. */
export function specialtyCodes(): number[] {
  const m = calibration().model;
  const dens = referentialParams().density_per_100k.specialty;
  return [
    ...new Set([
      ...m.specialist.mix.map((s) => s.spe),
      ...m.conditions.flatMap((c) => c.specialists.map((s) => s.spe)),
      ...Object.keys(dens).map(Number),
      ...prescribingSpecialties(),
      ...ambulatorySpecialties(),
    ]),
  ].sort((a, b) => a - b);
}

interface Pool {
  start: number;
  /** Members of the pool in each département. */
  byDept: Map<string, { start: number; size: number }>;
  end: number;
}

const STATUSES: EstablishmentStatus[] = ['public', 'non_profit', 'for_profit'];

function build(p: Params): Providers {
  const r = referentialParams();
  const dens = r.density_per_100k;
  const shares = deptShares();
  const depts = [...shares.keys()];
  const deptIndex = new Map(depts.map((d, k) => [d, k]));
  const regionDepts = new Map<string, string[]>();
  for (const d of depts) regionDepts.set(regionOf(d), [...(regionDepts.get(regionOf(d)) ?? []), d]);
  const perDept = (d: string, per100k: number, min = 1) =>
    Math.max(min, Math.round((p.beneficiaries * shares.get(d)! * per100k) / 1e5));

  // Professionals, kind by kind, each kind département by département.
  let next = 0;
  const kinds: { code: number; activity: number; pool: Pool }[] = [];
  const addPool = (code: number, activity: number, per100k: number, min = 1) => {
    const byDept = new Map<string, { start: number; size: number }>();
    const start = next;
    for (const d of depts) {
      const size = perDept(d, per100k, min);
      byDept.set(d, { start: next, size });
      next += size;
    }
    const pool = { start, byDept, end: next };
    kinds.push({ code, activity, pool });
    return pool;
  };
  // Two GPs at least in a département, so that a patient there can change.
  const gpPool = addPool(1, 0, dens.gp.value, 2);
  const specialties = specialtyCodes();
  const spePools = new Map<number, Pool>();
  const speDens = dens.specialty as Record<string, { value: number }>;
  for (const spe of specialties) spePools.set(spe, addPool(spe, 0, speDens[spe]?.value ?? dens.other_specialty.value));
  const pharmacyPool = addPool(0, 50, dens.pharmacy.value);
  const labPool = addPool(0, 30, dens.lab.value);
  const count = next;
  const kindOf = (j: number) => kinds.find((k) => j < k.pool.end)!;
  const deptOfMember = (j: number) => {
    for (const [d, x] of kindOf(j).pool.byDept) if (j < x.start + x.size) return d;
    return depts[depts.length - 1];
  };

  // Establishments: at least a public hospital and a private clinic per département.
  const st = r.establishment_status;
  const statusCum = [
    st.public,
    st.public + st.private_non_profit,
    st.public + st.private_non_profit + st.private_for_profit,
  ];
  const estDept: string[] = [];
  const estStatus: EstablishmentStatus[] = [];
  const estSerial: number[] = [];
  const lists = new Map<string, number[]>();
  const listed = (key: string, e: number) => lists.set(key, [...(lists.get(key) ?? []), e]);
  for (const d of depts) {
    const n = perDept(d, dens.mco_establishment.value, 2);
    for (let k = 0; k < n; k++) {
      const u = (mix32(streamKey(p.seed, 7, deptIndex.get(d)!, k)) / 2 ** 32) * statusCum[2];
      const s = k === 0 ? 'public' : k === 1 ? 'for_profit' : STATUSES[statusCum.findIndex((c) => u < c)];
      const e = estDept.length;
      estDept.push(d);
      estStatus.push(s);
      estSerial.push(k);
      for (const key of [`d:${d}:${s}`, `r:${regionOf(d)}:${s}`, `*:${s}`]) listed(key, e);
    }
  }
  // Stays by status in the shares of MCO beds (hospital_capacity_maternity.csv, share_of_beds).
  const bedShare = { public: 61.5, non_profit: 14.5, for_profit: 24.0 };
  const bedCum = [bedShare.public, bedShare.public + bedShare.non_profit, 100];
  const place = r.care_place;

  const spread = (x: number, n: number) => mix32(x ^ p.seed) % n;
  const member = (pool: Pool, dept: string, x: number) => {
    const at = pool.byDept.get(dept) ?? pool.byDept.get(depts[0])!;
    return at.start + spread(x, at.size);
  };
  /** The département a patient goes to for this (kind of) care: own, own region or elsewhere. */
  const careDept = (home: string, u: number, v: number) => {
    if (u < place.own_departement) return home;
    if (u < place.own_departement + place.own_region) {
      const inRegion = regionDepts.get(regionOf(home)) ?? [home];
      return inRegion[Math.floor(v * inRegion.length)];
    }
    return depts[Math.floor(v * depts.length)];
  };
  const gpChanges = (i: number, y: number) => {
    let n = 0;
    for (let year = p.firstYear + 1; year <= y; year++)
      if (mix32(streamKey(p.seed, 8, i, year)) / 2 ** 32 < r.gp.yearly_change) n++;
    return n;
  };
  // A change moves the patient to the next GP of the département.
  const gpOf = (i: number, y = p.firstYear) => {
    const at = gpPool.byDept.get(deptOf(p, i))!;
    return at.start + ((spread(i * 131, at.size) + gpChanges(i, y)) % at.size);
  };

  // A GP's specialty code is 1, 22 or 23 in the shares of calibration/ambulatory.json.
  const specialty = (j: number) => (j < gpPool.end ? gpSpecialty(j) : kindOf(j).code);
  return {
    professionals: {
      count,
      specialty,
      // Pharmacies and laboratories have their own nature of activity, professions theirs.
      activity: (j) => kindOf(j).activity || activityOf(specialty(j)),
      dept: deptOfMember,
    },
    establishments: estDept.length,
    gpOf,
    declaredGpOf: (i, y, age) =>
      age >= 17 && mix32(streamKey(p.seed, 9, i)) / 2 ** 32 < r.gp.without_referral_17_plus ? -1 : gpOf(i, y),
    specialistOf: (spe, i) => {
      const pool = spePools.get(spe);
      if (!pool) throw new Error(`specialty ${spe} has no pool: give it a density in calibration/referentials.json`);
      const h = streamKey(p.seed, 10, i, spe);
      return member(pool, careDept(deptOf(p, i), mix32(h) / 2 ** 32, mix32(h ^ 0x5bd1e995) / 2 ** 32), i * 31 + spe);
    },
    pharmacyOf: (i) => member(pharmacyPool, deptOf(p, i), i * 7),
    labOf: (i) => member(labPool, deptOf(p, i), i * 13),
    establishmentOf: (rng, i) => {
      const u = rng.float() * 100;
      const s = STATUSES[bedCum.findIndex((c) => u < c)];
      const home = i === undefined ? depts[rng.int(depts.length)] : deptOf(p, i);
      const where = rng.float();
      const d = careDept(home, where, rng.float());
      const key =
        where < place.own_departement || where >= place.own_departement + place.own_region
          ? `d:${d}`
          : `r:${regionOf(d)}`;
      const list = lists.get(`${key}:${s}`) ?? lists.get(`${key}:public`) ?? lists.get(`d:${d}:public`)!;
      return list[rng.int(list.length)];
    },
    isPrivate: (e) => estStatus[e] === 'for_profit',
    status: (e) => estStatus[e],
    privateStayShare: bedShare.for_profit / 100,
    professionalNumber: (j) => professionalNumber(j, p.seed),
    finess: (e) => {
      const d = estDept[e];
      const body = (d.length === 2 ? d + '99' : d + '9') + String(estSerial[e]).padStart(4, '0');
      let sum = 0;
      for (const ch of body) sum += ch.charCodeAt(0);
      return body + String(sum % 10);
    },
    establishmentDept: (e) => estDept[e],
  };
}
