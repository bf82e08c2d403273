// Every side table that names a condition, in one place: the care a table gives a condition is looked up
// by its name, so a misspelt name would silently give none. Each reference must name a condition file
// (calibration/conditions/<name>.json); the first that does not stops the run on one line.
import type { DrugsModel } from './drug-catalogue.js';
import type ambulatoryFile from '../../calibration/ambulatory.json';
import type { Model } from './conditions.js';

/** The files whose entries name conditions. */
export interface SideTables {
  model: Pick<Model, 'deaths' | 'seances'>;
  drugs: Pick<DrugsModel, 'condition_extras' | 'condition_specialty'>;
  ambulatory: { nurse: Pick<(typeof ambulatoryFile)['nurse'], 'programmes'> };
}

/** A condition's name as a side table writes it: the file, the entry, the name. */
export interface ConditionReference {
  file: string;
  entry: string;
  name: string;
}

const keysOf = (o: object) => Object.keys(o).filter((k) => !k.startsWith('_'));

/** Every condition name the side tables hold, where they hold it. */
export function conditionReferences(t: SideTables): ConditionReference[] {
  const out: ConditionReference[] = [];
  const add = (file: string, entry: string, name: string | undefined) => {
    if (name !== undefined) out.push({ file, entry, name });
  };
  for (const g of t.model.deaths.groups)
    add('model.json', `deaths.groups[${g.group}].condition`, 'condition' in g ? g.condition : undefined);
  t.model.seances.kinds.forEach((k, i) =>
    add('model.json', `seances.kinds[${i}].condition`, 'condition' in k ? k.condition : undefined),
  );
  for (const name of keysOf(t.drugs.condition_extras)) add('drugs.json', 'condition_extras', name);
  for (const name of keysOf(t.drugs.condition_specialty)) add('drugs.json', 'condition_specialty', name);
  (t.ambulatory.nurse.programmes as { condition?: string }[]).forEach((p, i) =>
    add('ambulatory.json', `nurse.programmes[${i}].condition`, p.condition),
  );
  return out;
}

/** One line per reference that names no condition file, naming the file, the entry and the name. */
export function conditionNameProblems(t: SideTables, names: readonly string[]): string[] {
  const known = new Set(names);
  return conditionReferences(t)
    .filter((r) => !known.has(r.name))
    .map(
      (r) =>
        `calibration/${r.file} ${r.entry}: "${r.name}" names no condition ` +
        `(no calibration/conditions/${r.name}.json; the conditions: ${names.join(', ')})`,
    );
}
