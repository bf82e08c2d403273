// One file per condition, keyed by its name, and every side table keyed by that name: each kind of
// misspelling is refused on one line that names the file and the name, where it would silently give no care.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assembleModel,
  conditionFileProblems,
  conditionsDir,
  loadModel,
  readConditionFiles,
} from '../../src/model/conditions.js';
import { conditionNameProblems, conditionReferences, type SideTables } from '../../src/model/condition-names.js';
import { drugs } from '../../src/model/drug-catalogue.js';
import ambulatory from '../../calibration/ambulatory.json' with { type: 'json' };
import modelFile from '../../calibration/model.json' with { type: 'json' };
import { UsageError } from '../../src/util/errors.js';

const files = readConditionFiles(conditionsDir());
const names = modelFile.conditions;
const model = loadModel();

/** The shipped condition files with one changed or renamed. */
function filesWith(change: (f: Map<string, Record<string, unknown>>) => void): Map<string, unknown> {
  const copy = new Map([...files].map(([k, v]) => [k, structuredClone(v) as Record<string, unknown>]));
  change(copy);
  return copy;
}

/** The shipped side tables with one changed. */
function tablesWith(change: (t: SideTables) => void): SideTables {
  const t = structuredClone({ model, drugs: drugs(), ambulatory }) as unknown as SideTables;
  change(t);
  return t;
}

describe('the condition files', () => {
  it('are one a listed condition, in the listed order, and pass their checks', () => {
    expect([...files.keys()].sort()).toEqual([...names].sort());
    expect(conditionFileProblems(names, files)).toEqual([]);
    expect(model.conditions.map((c) => c.name)).toEqual(names);
    expect(model.conditions[0].drugs.length).toBeGreaterThan(0);
  });

  const refused = (listed: string[], f: Map<string, unknown>) => {
    try {
      assembleModel(listed, f);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return (e as Error).message;
    }
    throw new Error('the model was accepted');
  };

  it('refuses a listed name without its file (a misspelt list entry)', () => {
    const message = refused(
      names.map((n) => (n === 'diabetes' ? 'diabets' : n)),
      files,
    );
    expect(message).toMatch(/^calibration\/model\.json conditions: "diabets" has no file [^\n]+$/);
    // The file the list no longer names is reported too, counted on the same line.
    expect(message).toContain('(and 1 more)');
  });

  it('refuses a file nobody lists (a misspelt file name)', () => {
    const f = filesWith((m) => {
      m.set('dementiaa', m.get('dementia')!);
      m.delete('dementia');
    });
    const message = refused(names, f);
    expect(message).toContain('"dementia" has no file calibration/conditions/dementia.json');
    expect(conditionFileProblems(names, f)).toContain(
      'calibration/conditions/dementiaa.json: "dementiaa" is not listed in calibration/model.json conditions',
    );
  });

  it('refuses a misspelt field of a condition file, naming the file and the field', () => {
    const f = filesWith((m) => {
      const c = m.get('cancer')!;
      c.specialist = c.specialists;
      delete c.specialists;
    });
    expect(conditionFileProblems(names, f)).toEqual([
      'calibration/conditions/cancer.json: "cancer": specialist is not a field the model reads',
      'calibration/conditions/cancer.json: "cancer": specialists is missing',
    ]);
  });

  it('refuses a field of the wrong type, deep in the file', () => {
    const f = filesWith((m) => {
      const c = m.get('respiratory')! as { drugs: { share: unknown }[] };
      c.drugs[0].share = '0.5';
    });
    expect(conditionFileProblems(names, f)).toEqual([
      'calibration/conditions/respiratory.json: "respiratory": drugs[0].share is a string, not a number',
    ]);
  });

  it('reads a folder of files by their names, and refuses one that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conditions-'));
    writeFileSync(join(dir, 'gout.json'), '{"label": "Goutte"}');
    writeFileSync(join(dir, 'notes.txt'), 'not a condition');
    expect([...readConditionFiles(dir).keys()]).toEqual(['gout']);
    writeFileSync(join(dir, 'asthma.json'), '{"label": ');
    expect(() => readConditionFiles(dir)).toThrow(/^calibration\/conditions\/asthma\.json: not JSON/);
  });
});

describe('the side tables keyed by a condition name', () => {
  it('name only conditions that have a file, as shipped, in every kind of table', () => {
    const refs = conditionReferences({ model, drugs: drugs(), ambulatory });
    expect(new Set(refs.map((r) => `${r.file} ${r.entry}`.replace(/\[.*\]/, '')))).toEqual(
      new Set([
        'model.json deaths.groups.condition',
        'model.json seances.kinds.condition',
        'drugs.json condition_extras',
        'drugs.json condition_specialty',
        'ambulatory.json nurse.programmes.condition',
      ]),
    );
    expect(conditionNameProblems({ model, drugs: drugs(), ambulatory }, names)).toEqual([]);
  });

  const cases: [string, (t: SideTables) => void, string][] = [
    [
      'a cause of death',
      (t) => ((t.model.deaths.groups[0] as { condition?: string }).condition = 'cancers'),
      'calibration/model.json deaths.groups[tumours].condition: "cancers"',
    ],
    [
      'a kind of séance',
      (t) => ((t.model.seances.kinds[0] as { condition?: string }).condition = 'cancre'),
      'calibration/model.json seances.kinds[0].condition: "cancre"',
    ],
    [
      'a condition’s extra drugs',
      (t) => {
        const extras = t.drugs.condition_extras as Record<string, unknown>;
        extras.diabete = extras.diabetes;
        delete extras.diabetes;
      },
      'calibration/drugs.json condition_extras: "diabete"',
    ],
    [
      'a condition’s prescribing specialty',
      (t) => {
        const s = t.drugs.condition_specialty as Record<string, unknown>;
        s['mental-health'] = s.mental_health;
        delete s.mental_health;
      },
      'calibration/drugs.json condition_specialty: "mental-health"',
    ],
    [
      'a nurse programme',
      (t) => ((t.ambulatory.nurse.programmes[0] as { condition?: string }).condition = 'Dementia'),
      'calibration/ambulatory.json nurse.programmes[0].condition: "Dementia"',
    ],
  ];
  for (const [what, change, start] of cases) {
    it(`refuses a misspelt name in ${what}, naming the file and the name`, () => {
      const problems = conditionNameProblems(tablesWith(change), names);
      expect(problems).toHaveLength(1);
      expect(problems[0].startsWith(start + ' names no condition')).toBe(true);
      expect(problems[0]).not.toContain('\n');
    });
  }
});
