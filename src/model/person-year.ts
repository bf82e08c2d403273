// The one entry point of a person-year's own draws: the deliveries and lab visits a year brings besides
// its visits' prescriptions (dentists' and hospitals' prescriptions, long-term treatments, vaccines;
// check-ups and each condition's monitoring). care.ts calls it to generate a year, drugs-expected.ts to
// sample plan's means: both see the same care, and a new kind of a year's care joins here, once.
import { chronicDeliveries, otherPrescriptions, vaccineDeliveries, type Delivery, type PersonYear } from './drugs.js';
import { labVisits, type LabVisit } from './biology.js';

export type { PersonYear } from './drugs.js';

/** What a person-year draws beside its visits and stays. */
export interface PersonYearDraws {
  /** Deliveries at the pharmacy; prescriber null: the person's GP. */
  deliveries: Delivery[];
  labVisits: LabVisit[];
}

/** A person-year's own deliveries and lab visits, in the order of their draws. */
export function personYearDraws(py: PersonYear): PersonYearDraws {
  const deliveries = [...otherPrescriptions(py), ...chronicDeliveries(py), ...vaccineDeliveries(py)];
  return { deliveries, labVisits: labVisits(py) };
}
