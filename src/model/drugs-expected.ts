// Mean rows of the drug and biology parts for the plan: the rows of a visit's prescription, and of a
// person-year's other deliveries and lab visits, by sex and age. Their rules (packs, cycles, fees, tests
// that fit) make a closed form long: the means come from drawing fixed, seeded samples of the very
// functions care.ts calls, once per sex and age, so that plan and generate cannot drift apart.
import { Rng, streamKey } from './rng.js';
import { STREAM } from './streams.js';
import { ageBand, calibration } from './calibration.js';
import { yearCalendar } from './calendar.js';
import { day } from './dates.js';
import { visitPrescription, type PersonYear } from './drugs.js';
import { personYearDraws } from './person-year.js';
import { dispensingLines } from './dispensing.js';
import { labLines } from './biology.js';

/** ER_PRS_F lines, ER_PHA_F rows and ER_BIO_F rows. */
export interface DrugRows {
  prs: number;
  pha: number;
  bio: number;
}

/** Samples per sex and age: the plan's error from them stays well under its ±5%. */
const PRESCRIPTIONS = 600;
const PERSONS = 300;
const SAMPLE_YEAR = 2023;

function keyHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The fixed sample named by `key`: the same draws for every seed, so that plan's means do not move. */
const sampleRng = (key: string) => new Rng(streamKey(STREAM.planSamples, keyHash(key)));

function samplePerson(
  sex: number,
  age: number,
  rng: Rng,
  id: number,
  conditions: PersonYear['conditions'],
): PersonYear {
  const from = day(SAMPLE_YEAR, 1, 1);
  return {
    sex,
    age,
    band: ageBand(age),
    from,
    to: day(SAMPLE_YEAR + 1, 1, 1),
    y: SAMPLE_YEAR,
    window: [from, day(SAMPLE_YEAR + 1, 1, 1)],
    days: yearCalendar(SAMPLE_YEAR),
    rng,
    stable: (key) => sampleRng(`${id}:${key}`),
    conditions,
  };
}

const prescriptionCache = new Map<string, DrugRows>();
/** Mean rows of one GP's or specialist's visit for its prescription (none included). */
export function visitPrescriptionRows(visits: 'gp' | 'specialist', sex: number, age: number): DrugRows {
  const key = `${visits}:${sex}:${Math.min(age, 110)}`;
  let r = prescriptionCache.get(key);
  if (!r) {
    const rng = sampleRng(key);
    const py = samplePerson(sex, age, rng, 0, []);
    let prs = 0;
    let pha = 0;
    for (let k = 0; k < PRESCRIPTIONS; k++) {
      const date = py.from + rng.int(360);
      const d = visitPrescription(py, visits, date);
      if (!d) continue;
      prs += dispensingLines(d.drugs, d.ald, age).length;
      pha += d.drugs.length;
    }
    prescriptionCache.set(key, (r = { prs: prs / PRESCRIPTIONS, pha: pha / PRESCRIPTIONS, bio: 0 }));
  }
  return r;
}

const personCache = new Map<string, DrugRows>();
/**
 * Mean rows a full year brings besides the visits' prescriptions (dentists', hospitals', long-term
 * treatments, vaccines, lab visits), for a person of this sex and age holding each condition with its
 * prevalence `prevalence` (by condition, as calibration.prevalence for her sex and first band).
 */
export function personYearRows(sex: number, age: number, prevalence: number[], prevalenceKey: number): DrugRows {
  const key = `${sex}:${Math.min(age, 110)}:${prevalenceKey}`;
  let r = personCache.get(key);
  if (!r) {
    const m = calibration().model;
    const rng = sampleRng(key);
    let prs = 0;
    let pha = 0;
    let bio = 0;
    for (let k = 0; k < PERSONS; k++) {
      const conditions = m.conditions.flatMap((c, i) =>
        rng.chance(prevalence[i])
          ? [
              {
                name: c.name,
                drugs: c.drugs,
                biology: c.biology,
                ald: 'ald' in c && !!c.ald && rng.chance(c.ald.share),
                since: day(SAMPLE_YEAR, 1, 1),
              },
            ]
          : [],
      );
      const py = samplePerson(sex, age, rng, keyHash(`${key}:${k}`), conditions);
      const own = personYearDraws(py);
      for (const d of own.deliveries) {
        prs += dispensingLines(d.drugs, d.ald, age).length;
        pha += d.drugs.length;
      }
      for (const v of own.labVisits) {
        prs += labLines(v.tests, v.ald).length;
        bio += v.tests.length;
      }
    }
    personCache.set(key, (r = { prs: prs / PERSONS, pha: pha / PERSONS, bio: bio / PERSONS }));
  }
  return r;
}
