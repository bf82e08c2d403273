// Health professionals and establishments: in each département, the providers a sample of the country
// meets. Of the département's real providers (published density × its population), n sampled patients
// meeting `contacts` each meet R (1 − exp(−contacts·n / R)): every one at full scale, about one per
// patient in a small sample, as in a real sample of the SNDS; so a département's pharmacy serves the few
// sampled patients a real pharmacy would, at any size. Every shard knows the same referential without
// generating it. A patient sees the professionals of their own département (a specialist or a hospital
// elsewhere in the region or beyond at the stated shares): a usual GP and pharmacy, and at times another;
// a claim points at a pool member by index.
import { calibration } from './calibration.js';
import { prescribingSpecialties } from './drug-catalogue.js';
import { hashUnit, streamKey, type Rng } from './rng.js';
import { STREAM } from './streams.js';
import { professionalNumber } from './ids.js';
import type { Params } from './population.js';
import { deptOf, deptShares, regionOf } from './geography.js';
import { referentialParams } from './coverage.js';
import { activityOf, ambulatorySpecialties, gpSpecialty } from './ambulatory.js';
import { deviceSuppliers } from './devices.js';

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
  /** The GP of a visit on day `date`: the usual one mostly, another of the département at times. */
  gpSeen(i: number, y: number, date: number): number;
  /** The pharmacy of a delivery on day `date`: the usual one, another for the less loyal patients at times. */
  pharmacySeen(i: number, date: number): number;
  /** The médecin traitant declared by beneficiary i of this age in year y, or -1 when none is. */
  declaredGpOf(i: number, y: number, age: number): number;
  specialistOf(spe: number, i: number): number;
  pharmacyOf(i: number): number;
  labOf(i: number): number;
  /**
   * An establishment for a stay or visit of beneficiary i, near home; its status by the published shares
   * of the stay's kind (surgery, cataract, other: `stay_sector`) when its GHM is given, else of beds.
   */
  establishmentOf(rng: Rng, i?: number, ghm?: string): number;
  /** Private for-profit clinics: their stays are also billed in DCIR. */
  isPrivate(e: number): boolean;
  status(e: number): EstablishmentStatus;
  /** Share of the stays drawn in a private for-profit clinic (for plan). */
  privateStayShare: number;
  /** Pool size of each kind (gp, pharmacy, lab, specialty codes, establishments), for the checks. */
  poolSizes: Map<string, number>;
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
      ...deviceSuppliers(),
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

/**
 * Providers a sample meets in a département: of `real` providers there, those at least one of `patients`
 * sampled patients sees, each meeting `contacts` of them at random (at least one where anyone lives).
 */
export function metProviders(real: number, patients: number, contacts: number): number {
  if (real <= 0) return 1;
  return Math.max(1, Math.round(real * (1 - Math.exp(-(contacts * patients) / real))));
}

function build(p: Params): Providers {
  const r = referentialParams();
  const dens = r.density_per_100k;
  const contacts = r.sample_contacts;
  const population = calibration().population;
  const shares = deptShares();
  const depts = [...shares.keys()];
  const deptIndex = new Map(depts.map((d, k) => [d, k]));
  const regionDepts = new Map<string, string[]>();
  for (const d of depts) regionDepts.set(regionOf(d), [...(regionDepts.get(regionOf(d)) ?? []), d]);
  const perDept = (d: string, per100k: number, meets: number) =>
    metProviders((population * shares.get(d)! * per100k) / 1e5, p.beneficiaries * shares.get(d)!, meets);
  const poolSizes = new Map<string, number>();

  // Professionals, kind by kind, each kind département by département.
  let next = 0;
  const kinds: { code: number; activity: number; pool: Pool }[] = [];
  const addPool = (name: string, code: number, activity: number, per100k: number, meets: number) => {
    const byDept = new Map<string, { start: number; size: number }>();
    const start = next;
    for (const d of depts) {
      const size = perDept(d, per100k, meets);
      byDept.set(d, { start: next, size });
      next += size;
    }
    const pool = { start, byDept, end: next };
    kinds.push({ code, activity, pool });
    poolSizes.set(name, next - start);
    return pool;
  };
  const gpPool = addPool('gp', 1, 0, dens.gp.value, contacts.gp);
  const specialties = specialtyCodes();
  const spePools = new Map<number, Pool>();
  const speDens = dens.specialty as Record<string, { value: number }>;
  for (const spe of specialties) {
    const value = speDens[spe]?.value ?? dens.other_specialty.value;
    spePools.set(spe, addPool(String(spe), spe, 0, value, contacts.specialist));
  }
  const pharmacyPool = addPool('pharmacy', 0, 50, dens.pharmacy.value, contacts.pharmacy);
  const labPool = addPool('lab', 0, 30, dens.lab.value, contacts.lab);
  const count = next;
  const kindOf = (j: number) => kinds.find((k) => j < k.pool.end)!;
  const deptOfMember = (j: number) => {
    for (const [d, x] of kindOf(j).pool.byDept) if (j < x.start + x.size) return d;
    return depts[depts.length - 1];
  };

  // Establishments: the département's, each of a status drawn by the shares of establishments.
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
    const n = perDept(d, dens.mco_establishment.value, contacts.establishment);
    for (let k = 0; k < n; k++) {
      const u = hashUnit(streamKey(p.seed, STREAM.establishmentStatus, deptIndex.get(d)!, k)) * statusCum[2];
      // The first is public: a département always has a public hospital.
      const s = k === 0 ? 'public' : STATUSES[statusCum.findIndex((c) => u < c)];
      const e = estDept.length;
      estDept.push(d);
      estStatus.push(s);
      estSerial.push(k);
      for (const key of [`d:${d}:${s}`, `r:${regionOf(d)}:${s}`, `*:${s}`]) listed(key, e);
    }
  }
  poolSizes.set('establishment', estDept.length);
  // Stays by status: the shares of their kind (stay_sector), of MCO beds for the others.
  const sector = r.stay_sector;
  const cumOf = (x: { public: number; non_profit: number; for_profit: number }) => [
    x.public,
    x.public + x.non_profit,
    x.public + x.non_profit + x.for_profit,
  ];
  const sectorCum = { surgery: cumOf(sector.surgery), cataract: cumOf(sector.cataract), other: cumOf(sector.other) };
  const sectorOf = (ghm?: string) =>
    !ghm || ghm[2] !== 'C' ? sectorCum.other : ghm.startsWith('02C05') ? sectorCum.cataract : sectorCum.surgery;
  const place = r.care_place;

  const spread = (x: number, n: number) => Math.floor(hashUnit(streamKey(p.seed, STREAM.usualProvider, x)) * n);
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
      if (hashUnit(streamKey(p.seed, STREAM.gpChange, i, year)) < r.gp.yearly_change) n++;
    return n;
  };
  // A change moves the patient to the next GP of the département.
  const gpOf = (i: number, y = p.firstYear) => {
    const at = gpPool.byDept.get(deptOf(p, i))!;
    return at.start + ((spread(i * 131, at.size) + gpChanges(i, y)) % at.size);
  };
  /** Another member of the pool of `usual`'s département: one of the `others` next to the usual one. */
  const other = (pool: Pool, i: number, usual: number, pick: number) => {
    const at = pool.byDept.get(deptOf(p, i))!;
    if (at.size < 2) return usual;
    return at.start + ((usual - at.start + 1 + (pick % (at.size - 1))) % at.size);
  };
  const unit = (stream: number, ...k: number[]) => hashUnit(streamKey(p.seed, stream, ...k));
  const pharmacyOf = (i: number) => member(pharmacyPool, deptOf(p, i), i * 7);

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
      age >= 17 && unit(STREAM.noDeclaredGp, i) < r.gp.without_referral_17_plus ? -1 : gpOf(i, y),
    specialistOf: (spe, i) => {
      const pool = spePools.get(spe);
      if (!pool) throw new Error(`specialty ${spe} has no pool: give it a density in calibration/referentials.json`);
      const h = streamKey(p.seed, STREAM.specialistPlace, i, spe);
      return member(pool, careDept(deptOf(p, i), hashUnit(h), hashUnit(h ^ 0x5bd1e995)), i * 31 + spe);
    },
    gpSeen: (i, y, date) => {
      const usual = gpOf(i, y);
      if (unit(STREAM.gpMainShare, i, date) < r.gp.main_share_of_visits) return usual;
      return other(gpPool, i, usual, Math.floor(unit(STREAM.otherGp, i, date) * 3));
    },
    pharmacyOf,
    pharmacySeen: (i, date) => {
      const usual = pharmacyOf(i);
      const loyal = unit(STREAM.pharmacyLoyal, i) < r.pharmacy.loyal_share;
      if (loyal || unit(STREAM.pharmacyMainShare, i, date) < r.pharmacy.main_share_of_deliveries) return usual;
      // The less loyal use two or three pharmacies: the usual one and one of the next two.
      return other(pharmacyPool, i, usual, Math.floor(unit(STREAM.otherPharmacy, i, date) * 2));
    },
    labOf: (i) => member(labPool, deptOf(p, i), i * 13),
    establishmentOf: (rng, i, ghm) => {
      const u = rng.float() * 100;
      const s = STATUSES[sectorOf(ghm).findIndex((c) => u < c)];
      const home = i === undefined ? depts[rng.int(depts.length)] : deptOf(p, i);
      const where = rng.float();
      const d = careDept(home, where, rng.float());
      const key =
        where < place.own_departement || where >= place.own_departement + place.own_region
          ? `d:${d}`
          : `r:${regionOf(d)}`;
      // A status the place lacks (a small sample's département) is found in its region, then anywhere.
      const list =
        lists.get(`${key}:${s}`) ??
        lists.get(`r:${regionOf(d)}:${s}`) ??
        lists.get(`*:${s}`) ??
        lists.get(`d:${d}:public`)!;
      return list[rng.int(list.length)];
    },
    isPrivate: (e) => estStatus[e] === 'for_profit',
    status: (e) => estStatus[e],
    privateStayShare: sector.other.for_profit / 100,
    poolSizes,
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
