// The model's conditions, one file each (calibration/conditions/<name>.json), keyed by the file's name,
// in the order calibration/model.json `conditions` lists them (the order of their draws). Each file is
// checked when loaded: a listed name without a file, a file nobody lists, a field the model does not know
// (a misspelt "specialist" would silently give no follow-up) or of the wrong type stops the run on one line.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { projectPath } from '../util/paths.js';
import { UsageError } from '../util/errors.js';
import modelFile from '../../calibration/model.json' with { type: 'json' };

export interface ConditionDrug {
  atc: string;
  share: number;
  per_year?: number;
  sex?: number;
}

export interface Condition {
  /** The file's name: calibration/conditions/<name>.json. */
  name: string;
  label: string;
  prevalence: number;
  prevalence_source: string;
  incidence: {
    per_1000: number;
    source: string;
    onset: {
      specialty: number;
      treatment_days: number[];
      ald_days: number[];
      source: string;
      stay?: { share: number; mean_nights: number; codes: Record<string, number> };
      drugs?: ConditionDrug[];
      event_codes?: string[];
    };
  };
  /** Yearly chance that the condition ends (remission), with its source; absent where none is published. */
  remission?: { per_year: number; after_years?: number; source: string };
  male_share: number;
  age_shape: number[];
  ald?: { number: number; share: number; icd10: string; icd10_male?: string };
  gp_extra: number;
  specialists: { spe: number; per_year: number; ccam?: string }[];
  drugs: ConditionDrug[];
  biology: { nabm: number; per_year: number }[];
  stays?: { per_year: number; codes: Record<string, number> };
  associated_codes: string[];
  death_codes: string[];
}

/** calibration/model.json with its conditions read from their files. */
export type Model = Omit<typeof modelFile, 'conditions'> & { conditions: Condition[] };

/** A field's expected shape: a scalar type, a list of one shape, codes with weights, or an object's fields. */
type Shape = 'number' | 'string' | 'weights' | [Shape] | { [field: string]: Shape };

const DRUG: Shape = { atc: 'string', share: 'number', 'per_year?': 'number', 'sex?': 'number' };

/** Every field a condition file may hold; `?` marks the optional ones. */
const CONDITION: Shape = {
  label: 'string',
  prevalence: 'number',
  prevalence_source: 'string',
  incidence: {
    per_1000: 'number',
    source: 'string',
    onset: {
      specialty: 'number',
      treatment_days: ['number'],
      ald_days: ['number'],
      source: 'string',
      'stay?': { share: 'number', mean_nights: 'number', codes: 'weights' },
      'drugs?': [DRUG],
      'event_codes?': ['string'],
    },
  },
  'remission?': { per_year: 'number', 'after_years?': 'number', source: 'string' },
  male_share: 'number',
  age_shape: ['number'],
  'ald?': { number: 'number', share: 'number', icd10: 'string', 'icd10_male?': 'string' },
  gp_extra: 'number',
  specialists: [{ spe: 'number', per_year: 'number', 'ccam?': 'string' }],
  drugs: [DRUG],
  biology: [{ nabm: 'number', per_year: 'number' }],
  'stays?': { per_year: 'number', codes: 'weights' },
  associated_codes: ['string'],
  death_codes: ['string'],
};

/** Where a value departs from its shape: one line each, `at` naming the field. */
function shapeProblems(value: unknown, shape: Shape, at: string): string[] {
  const kind = Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`;
  if (shape === 'number' || shape === 'string')
    return typeof value === shape ? [] : [`${at} is ${kind}, not a ${shape}`];
  if (shape === 'weights') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at} is ${kind}, not codes`];
    return Object.entries(value).flatMap(([code, w]) => shapeProblems(w, 'number', `${at}.${code}`));
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return [`${at} is ${kind}, not a list`];
    return value.flatMap((v, i) => shapeProblems(v, shape[0], `${at}[${i}]`));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at} is ${kind}, not an object`];
  const fields = value as Record<string, unknown>;
  const out: string[] = [];
  const known = new Set(Object.keys(shape).map((k) => k.replace(/\?$/, '')));
  for (const k of Object.keys(fields))
    if (!known.has(k) && !k.startsWith('_')) out.push(`${at ? at + '.' : ''}${k} is not a field the model reads`);
  for (const [key, sub] of Object.entries(shape)) {
    const name = key.replace(/\?$/, '');
    const where = at ? `${at}.${name}` : name;
    if (fields[name] === undefined) {
      if (!key.endsWith('?')) out.push(`${where} is missing`);
    } else out.push(...shapeProblems(fields[name], sub, where));
  }
  return out;
}

/** The folder of the condition files. */
export const conditionsDir = () => projectPath('calibration', 'conditions');

/**
 * The problems of the condition files against the list of names: `files` maps a file's name (without
 * `.json`) to its parsed content. One line each, naming the file and the condition.
 */
export function conditionFileProblems(listed: readonly string[], files: ReadonlyMap<string, unknown>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const name of listed) {
    if (seen.has(name)) out.push(`calibration/model.json conditions: "${name}" is listed twice`);
    seen.add(name);
    if (!files.has(name))
      out.push(`calibration/model.json conditions: "${name}" has no file calibration/conditions/${name}.json`);
  }
  for (const [name, content] of files) {
    const file = `calibration/conditions/${name}.json`;
    if (!seen.has(name)) out.push(`${file}: "${name}" is not listed in calibration/model.json conditions`);
    else for (const p of shapeProblems(content, CONDITION, '')) out.push(`${file}: "${name}": ${p}`);
  }
  return out;
}

/** Reads the condition files of a folder: name → parsed content; a file that is not JSON is a UsageError. */
export function readConditionFiles(dir: string): Map<string, unknown> {
  const files = new Map<string, unknown>();
  if (!existsSync(dir)) return files;
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.json')) continue;
    const name = f.slice(0, -'.json'.length);
    try {
      files.set(name, JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')));
    } catch (e) {
      throw new UsageError(`calibration/conditions/${f}: not JSON (${(e as Error).message})`);
    }
  }
  return files;
}

/** The model with its conditions, or a UsageError naming the first bad file or name on one line. */
export function assembleModel(listed: readonly string[], files: ReadonlyMap<string, unknown>): Model {
  const problems = conditionFileProblems(listed, files);
  if (problems.length) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new UsageError(`${problems[0]}${more}`);
  }
  const conditions = listed.map((name) => ({ name, ...(files.get(name) as Omit<Condition, 'name'>) }));
  return { ...modelFile, conditions };
}

let loaded: Model | undefined;

/** calibration/model.json and calibration/conditions/, read and checked once a process. */
export function loadModel(): Model {
  return (loaded ??= assembleModel(modelFile.conditions, readConditionFiles(conditionsDir())));
}
