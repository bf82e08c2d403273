// Specialists' technical CCAM acts in ambulatory care (calibration/technical-acts.json): at a visit, an
// act of the specialty with its probability, drawn among those that fit the patient; and the imaging a
// GP's consultation leads to. Each act's code must be in IR_CCAM_V63, checked when first used.
import { readFileSync } from 'node:fs';
import acts from '../../calibration/technical-acts.json' with { type: 'json' };
import { nomenclaturePath } from './calibration.js';
import { CodePicker, codeWeight } from './restrictions.js';
import type { Rng } from './rng.js';

interface Act {
  act: string;
  tariff: number;
  weight: number;
  sex?: number;
  min_age?: number;
  max_age?: number;
}
interface Specialty {
  probability: number;
  acts: Act[];
}

const specialties = acts.specialties as Record<string, Specialty>;
/** The radiologists' specialty, who perform the imaging a GP prescribes. */
export const RADIOLOGY = 6;

let pickers: Map<number, CodePicker<Act>> | undefined;
let tariffs: Map<string, number> | undefined;

function load(): Map<number, CodePicker<Act>> {
  if (pickers) return pickers;
  const known = new Set(
    readFileSync(nomenclaturePath('IR_CCAM_V63'), 'utf8')
      .split('\n')
      .map((l) => l.slice(1, 8)),
  );
  pickers = new Map();
  tariffs = new Map();
  for (const [spe, s] of Object.entries(specialties)) {
    for (const a of s.acts) {
      if (!known.has(a.act)) throw new Error(`technical-acts.json: ${a.act} is not in IR_CCAM_V63`);
      tariffs.set(a.act, a.tariff);
    }
    const bounds = s.acts.flatMap((a) => [a.min_age ?? 0, (a.max_age ?? 126) + 1]);
    const fits = (a: Act, sex: number, age: number) =>
      (a.sex === undefined || a.sex === sex) && age >= (a.min_age ?? 0) && age <= (a.max_age ?? 200);
    pickers.set(
      Number(spe),
      new CodePicker(
        s.acts,
        (a, sex, age) => (fits(a, sex, age) ? a.weight * codeWeight('ccam', a.act, sex, age) : 0),
        bounds,
      ),
    );
  }
  return pickers;
}

/** The act done at a visit of specialty `spe`, or undefined when none is (or none fits the patient). */
export function technicalActAt(rng: Rng, spe: number, sex: number, age: number): string | undefined {
  const s = specialties[spe];
  if (!s || !rng.chance(s.probability)) return undefined;
  return load().get(spe)!.pick(rng, sex, age)?.act;
}

/** Imaging after a GP consultation, or undefined. */
export function gpImaging(rng: Rng, sex: number, age: number): string | undefined {
  if (!rng.chance(acts.gp_imaging.probability)) return undefined;
  return load().get(RADIOLOGY)!.pick(rng, sex, age)?.act;
}

/** The act's tariff in euros, when this file gives it. */
export function technicalActTariff(act: string): number | undefined {
  load();
  return tariffs!.get(act);
}

/** Mean technical acts per visit of a specialty, and per GP consultation (for plan). */
export function meanTechnicalActs(spe: number): number {
  return specialties[spe]?.probability ?? 0;
}
export const meanGpImaging = (): number => acts.gp_imaging.probability;
