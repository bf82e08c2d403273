// Which codes fit which patient (calibration/restrictions.json): a diagnosis, act, drug or lab test
// is drawn only for a person of the sex and age it fits, and a code rare for one sex (male breast
// cancer) is drawn at its stated weight. validate reads the same rules.
import data from '../../calibration/restrictions.json' with { type: 'json' };
import type { Rng } from './rng.js';
import { cumulative } from './rng.js';

export type CodeKind = 'icd10' | 'ccam' | 'atc' | 'nabm';
export const CODE_KINDS: readonly CodeKind[] = ['icd10', 'ccam', 'atc', 'nabm'];

export interface Rule {
  kind: CodeKind;
  /** Prefixes, or ranges FROM-TO of prefixes (ICD-10); NABM numbers are exact. */
  codes: string[];
  sex?: number;
  min_age?: number;
  max_age?: number;
  weight_by_sex?: Record<string, number>;
  why: string;
}

type RawRule = Omit<Rule, 'kind' | 'codes'> & { codes: (string | number)[] };

export const RULES: readonly Rule[] = CODE_KINDS.flatMap((kind) =>
  (data[kind] as RawRule[]).map((r) => ({ ...r, kind, codes: r.codes.map(String) })),
);

/** Whether `code` falls under `item`: a prefix, or a range FROM-TO compared on each end's length. */
export function matches(item: string, code: string): boolean {
  const dash = item.indexOf('-');
  if (dash < 0) return code.startsWith(item);
  const from = item.slice(0, dash);
  const to = item.slice(dash + 1);
  return code.slice(0, from.length) >= from && code.slice(0, to.length) <= to;
}

const ruleCache = new Map<string, Rule[]>();
/** The rules that apply to a code. */
export function rulesOf(kind: CodeKind, code: string | number): Rule[] {
  const key = `${kind}:${code}`;
  let r = ruleCache.get(key);
  if (!r) {
    const c = String(code);
    r = RULES.filter((x) => x.kind === kind && x.codes.some((i) => (kind === 'nabm' ? i === c : matches(i, c))));
    ruleCache.set(key, r);
  }
  return r;
}

/** The draw weight of a code for a person (1 when unrestricted, 0 when it does not fit). */
export function codeWeight(kind: CodeKind, code: string | number, sex: number, age: number): number {
  let w = 1;
  for (const r of rulesOf(kind, code)) {
    if ((r.sex !== undefined && r.sex !== sex) || age < (r.min_age ?? 0) || age > (r.max_age ?? Infinity)) return 0;
    w *= r.weight_by_sex?.[String(sex)] ?? 1;
  }
  return w;
}

export function allowed(kind: CodeKind, code: string | number, sex: number, age: number): boolean {
  return codeWeight(kind, code, sex, age) > 0;
}

/** The ages at which some rule starts or stops applying: between two, every code fits alike. */
export const AGE_BOUNDS: readonly number[] = [
  ...new Set(RULES.flatMap((r) => [r.min_age, r.max_age === undefined ? undefined : r.max_age + 1])),
]
  .filter((a): a is number => a !== undefined)
  .sort((a, b) => a - b);

const MAX_AGE = 127;

/**
 * A weighted draw over a list whose entries fit a person or not: one cumulative table per sex and
 * age class (the ages between two bounds of the rules or of `extraBounds`), built on first use.
 */
export class CodePicker<T> {
  private readonly classOf = new Uint8Array(MAX_AGE + 1);
  private readonly startOf: number[];
  private readonly tables = new Map<number, Float64Array | null>();

  constructor(
    private readonly items: readonly T[],
    private readonly weight: (item: T, sex: number, age: number) => number,
    extraBounds: readonly number[] = [],
  ) {
    const bounds = [...new Set([...AGE_BOUNDS, ...extraBounds])].sort((a, b) => a - b);
    this.startOf = [0, ...bounds];
    for (let age = 0, k = 0; age <= MAX_AGE; age++) {
      while (k < bounds.length && bounds[k] <= age) k++;
      this.classOf[age] = k;
    }
  }

  private table(sex: number, age: number): Float64Array | null {
    const k = this.classOf[Math.min(MAX_AGE, Math.max(0, age))];
    const key = sex * 256 + k;
    let t = this.tables.get(key);
    if (t === undefined) {
      const at = this.startOf[k];
      const w = this.items.map((x) => this.weight(x, sex, at));
      t = w.some((x) => x > 0) ? cumulative(w) : null;
      this.tables.set(key, t);
    }
    return t;
  }

  /** Whether some entry fits this person. */
  has(sex: number, age: number): boolean {
    return this.table(sex, age) !== null;
  }

  /** An entry drawn by weight among those that fit, or undefined when none does. */
  pick(rng: Rng, sex: number, age: number): T | undefined {
    const t = this.table(sex, age);
    return t ? this.items[rng.pick(t)] : undefined;
  }
}

/** A picker over a map of codes to weights, each weighed by how it fits the person. */
export function codePicker(
  kind: CodeKind,
  codes: Readonly<Record<string, number | undefined>>,
  extraBounds: readonly number[] = [],
) {
  const entries = Object.entries(codes).map(([c, w]): [string, number] => [c, w ?? 0]);
  return new CodePicker(entries, ([c, w], sex, age) => w * codeWeight(kind, c, sex, age), extraBounds);
}

/** The rules' problems against the nomenclatures, one line each; empty when sound. */
export function restrictionProblems(known: Record<CodeKind, (prefix: string) => boolean>): string[] {
  const problems: string[] = [];
  RULES.forEach((r, i) => {
    const at = `restrictions.${r.kind}[${i - RULES.findIndex((x) => x.kind === r.kind)}]`;
    if (r.sex !== undefined && r.sex !== 1 && r.sex !== 2) problems.push(`${at}.sex ${r.sex} is not 1 or 2`);
    if ((r.min_age ?? 0) > (r.max_age ?? Infinity)) problems.push(`${at} has min_age over max_age`);
    for (const [sex, w] of Object.entries(r.weight_by_sex ?? {})) {
      if ((sex !== '1' && sex !== '2') || !(w > 0 && w <= 1))
        problems.push(`${at}.weight_by_sex ${sex}: ${w} is not 1|2: (0, 1]`);
    }
    if (!r.why) problems.push(`${at} does not say why`);
    for (const item of r.codes) {
      const ends = r.kind === 'nabm' ? [item] : item.split('-');
      if (ends.length > 2 || ends.some((e) => !known[r.kind](e)))
        problems.push(`${at} "${item}" names no ${r.kind} code`);
    }
  });
  return problems;
}
