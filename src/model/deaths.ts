// The initial cause of a death: a CépiDc group by its share (weighted towards the person's
// conditions), then one of its codes that fits the person's sex and age (restrictions.json).
import { calibration } from './calibration.js';
import { codePicker, type CodePicker } from './restrictions.js';
import type { Rng } from './rng.js';

let groupCodes: CodePicker<[string, number]>[] | undefined;

/** Draws a cause with the groups' `weights`; a group none of whose codes fits the person is never drawn. */
export function pickDeathCause(rng: Rng, weights: readonly number[], sex: number, age: number): string {
  groupCodes ??= calibration().model.deaths.groups.map((g) =>
    codePicker('icd10', Object.fromEntries(g.codes.map((c) => [c, 1]))),
  );
  const codes = groupCodes;
  const w = weights.map((x, i) => (codes[i].has(sex, age) ? x : 0));
  let x = rng.float() * w.reduce((a, b) => a + b, 0);
  let g = w.length - 1;
  while (g > 0 && w[g] === 0) g--;
  for (let i = 0; i < w.length; i++) {
    if (w[i] > 0 && (x -= w[i]) < 0) {
      g = i;
      break;
    }
  }
  return codes[g].pick(rng, sex, age)![0];
}
