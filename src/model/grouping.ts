// A stay's GHM from its principal diagnosis (DP), acts, length, age and discharge, by the rules of
// calibration/grouping.json over the GHMs of the V11 classification ATIH used in 2023 (ghm_classification_2023.csv):
// the CMD follows the DP, a surgical (C) or interventional (K) root only comes with the act that makes it
// so, and the sixth character is the V11 one: J for a 0-night stay in a root that has it, T for a very
// short stay, severity levels 1-4 (each above 1 needs a minimum length), A-D, Z, E for a death.
import data from '../../calibration/grouping.json' with { type: 'json' };
import { matches } from './restrictions.js';

export type RootOption = string | { root: string; dp?: string[]; min_age?: number; max_age?: number };
export interface Procedure {
  act: string;
  /** C surgical, K interventional (each makes its root's GHM), D diagnostic (no effect on the GHM). */
  type: 'C' | 'K' | 'D';
  dp: string[];
  share: number;
  roots?: RootOption[];
}
interface Medical {
  dp: string[];
  roots: RootOption[];
  died?: string;
}

export const GROUPING = {
  cmd: data.cmd as [string, string][],
  medical: data.medical as Medical[],
  medicalDefault: data.medical_default as Record<string, RootOption[]>,
  procedures: data.procedures as Procedure[],
};

/** The acts that make a GHM surgical or interventional. */
export const OPERATING_ACTS: ReadonlySet<string> = new Set(
  GROUPING.procedures.filter((p) => p.type !== 'D').map((p) => p.act),
);

const fits = (items: string[], code: string) => items.some((i) => matches(i, code));

const cmdCache = new Map<string, string | undefined>();
/** The CMD (two digits) of a principal diagnosis, or undefined when no entry covers it. */
export function cmdOf(dp: string): string | undefined {
  if (!cmdCache.has(dp)) cmdCache.set(dp, GROUPING.cmd.find(([item]) => matches(item, dp))?.[1]);
  return cmdCache.get(dp);
}

const procCache = new Map<string, { operating: Procedure[]; diagnostic: Procedure[] }>();
/** The acts a stay with this DP may carry: operating ones (one at most) and diagnostic ones (one at most). */
export function proceduresFor(dp: string): { operating: Procedure[]; diagnostic: Procedure[] } {
  let r = procCache.get(dp);
  if (!r) {
    const all = GROUPING.procedures.filter((p) => fits(p.dp, dp));
    r = { operating: all.filter((p) => p.type !== 'D'), diagnostic: all.filter((p) => p.type === 'D') };
    procCache.set(dp, r);
  }
  return r;
}

/** The first root of a list that fits the DP and age. */
export function chooseRoot(options: RootOption[], dp: string, age: number): string | undefined {
  for (const o of options) {
    if (typeof o === 'string') return o;
    if ((o.dp && !fits(o.dp, dp)) || age < (o.min_age ?? 0) || age > (o.max_age ?? Infinity)) continue;
    return o.root;
  }
  return undefined;
}

/** The GHM roots of the classification, each with the level letters it has (V, W, Z, A...). */
export type Roots = ReadonlyMap<string, string>;

export interface StayForGrouping {
  dp: string;
  acts: readonly string[];
  nights: number;
  age: number;
  died: boolean;
  /** A newborn's birth weight in grams: its CMD 15 root (groupe nouveau-nés) follows it. */
  weight?: number;
}

/** The root a stay falls in, before its level. */
export function rootOf(stay: StayForGrouping): { root: string | undefined; died?: string } {
  const op = proceduresFor(stay.dp).operating.find((p) => stay.acts.includes(p.act));
  if (op) return { root: chooseRoot(op.roots ?? [], stay.dp, stay.age) };
  const m = GROUPING.medical.find((x) => fits(x.dp, stay.dp));
  const cmd = cmdOf(stay.dp);
  const options = m?.roots ?? (cmd ? GROUPING.medicalDefault[cmd] : undefined) ?? [];
  return { root: chooseRoot(options, stay.dp, stay.age), died: m?.died };
}

/**
 * Newborns' roots by birth weight (V11 groupes nouveau-nés 1 to 10, each named after its typical weight
 * and gestational age): the first whose weight the baby reaches.
 */
export const NEWBORN_ROOTS: readonly [number, string][] = [
  [2900, '15M05'],
  [2400, '15M06'],
  [2200, '15M07'],
  [2000, '15M08'],
  [1800, '15M09'],
  [1650, '15M10'],
  [1450, '15M11'],
  [1250, '15M12'],
  [1000, '15M13'],
  [0, '15M14'],
];

/** The V11 minimum nights for severity levels 2, 3 and 4 (a shorter stay is at level 1). */
const LEVEL_MIN_NIGHTS = [0, 0, 3, 4, 5];

/**
 * The severity a stay's length and age give (levels 1-4): no associated-diagnosis weighting is drawn, so
 * longer stays and older patients stand for the complications that make them long. Tuned on ATIH's 2023
 * split of stays by level (ghm_classification_2023.csv, checked by validate).
 */
export function severityOf(nights: number, age: number): number {
  const score = nights + (age >= 80 ? 3 : age >= 65 ? 2 : age >= 40 ? 1 : 0);
  const level = score >= 17 ? 4 : score >= 11 ? 3 : score >= 7 ? 2 : 1;
  let l = level;
  while (l > 1 && nights < LEVEL_MIN_NIGHTS[l]) l--;
  return l;
}

/** The sixth character a stay takes in a root that has these `letters`. */
function levelIn(letters: string, stay: StayForGrouping): string {
  if (letters.includes('J') && stay.nights === 0) return 'J';
  if (letters.includes('T') && stay.nights <= 1) return 'T';
  if (letters.includes('1')) {
    let l = severityOf(stay.nights, stay.age);
    while (l > 1 && !letters.includes(String(l))) l--;
    return String(l);
  }
  if (/[ABCD]/.test(letters)) {
    const level = stay.nights < 5 ? 0 : stay.nights < 10 ? 1 : stay.nights < 14 ? 2 : 3;
    let best = '';
    for (let i = 0; i <= level; i++) if (letters.includes('ABCD'[i])) best = 'ABCD'[i];
    return best || letters.replace(/[^ABCD]/g, '')[0];
  }
  if (letters.includes('Z')) return 'Z';
  return letters.includes('J') ? 'J' : letters[0];
}

/**
 * The GHM of a stay: its root (a newborn's by weight; an operating root that has no level for this
 * length, such as an ambulatory-only endoscopy root, gives way to the medical one), then its level;
 * a death within 2 days goes to the E root the DP's entry names.
 */
export function ghmOf(roots: Roots, stay: StayForGrouping): string {
  let { root: r, died } = rootOf(stay);
  if (r && r[2] !== 'M' && r[2] !== 'Z' && !fitsLength(roots.get(r) ?? '', stay.nights)) {
    ({ root: r, died } = rootOf({ ...stay, acts: [] }));
  }
  if (stay.died && died && stay.nights < 2 && roots.has(died)) return died + roots.get(died)![0];
  if (r?.startsWith('15M') && stay.weight !== undefined && !stay.died) {
    r = NEWBORN_ROOTS.find(([w]) => stay.weight! >= w)![1];
  }
  const root = r && roots.has(r) ? r : '23M20';
  return root + levelIn(roots.get(root)!, stay);
}

/**
 * The share of 0-night stays among the stays of the root a stay's operating act makes, in ATIH's 2023
 * stays (`stays(prefix)` counts them), or undefined for a stay without an operating act.
 */
export function ambulatoryShare(
  stay: Pick<StayForGrouping, 'dp' | 'acts' | 'age'>,
  stays: (prefix: string) => number,
): number | undefined {
  const op = proceduresFor(stay.dp).operating.find((p) => stay.acts.includes(p.act));
  const root = op && chooseRoot(op.roots ?? [], stay.dp, stay.age);
  if (!root) return undefined;
  const all = stays(root);
  return all > 0 ? stays(root + 'J') / all : undefined;
}

/** Whether a root has a level for a stay of this length (a J-only root takes 0-night stays only). */
const fitsLength = (letters: string, nights: number) => letters !== 'J' || nights === 0;

const CHECK_AGES = [0, 1, 10, 12, 17, 18, 35, 36, 50, 69, 70, 80, 81, 95];

/**
 * The rules' problems, one line each; empty when sound: unknown roots or acts, a root of the wrong
 * kind, a CMD without a default root, and for each DP the model draws (`dps`), a root whose CMD is not
 * the DP's or acts whose shares add up to more than 1.
 */
export function groupingProblems(roots: Roots, dps: readonly string[], isAct: (act: string) => boolean): string[] {
  const problems: string[] = [];
  const rootNames = (o: RootOption[]) => o.map((x) => (typeof x === 'string' ? x : x.root));
  const root = (at: string, r: string, kinds: string) => {
    if (!roots.has(r)) problems.push(`grouping ${at}: root ${r} is not in the V11 classification`);
    else if (!kinds.includes(r[2])) problems.push(`grouping ${at}: root ${r} is not of type ${kinds}`);
  };
  GROUPING.medical.forEach((m, i) => {
    rootNames(m.roots).forEach((r) => root(`medical[${i}]`, r, 'MZ'));
    if (m.died) root(`medical[${i}].died`, m.died, 'MZ');
  });
  for (const [cmd, o] of Object.entries(GROUPING.medicalDefault))
    rootNames(o).forEach((r) => root(`default ${cmd}`, r, 'MZ'));
  for (const cmd of new Set(GROUPING.cmd.map(([, c]) => c))) {
    if (!GROUPING.medicalDefault[cmd]) problems.push(`grouping: CMD ${cmd} has no medical_default root`);
  }
  GROUPING.procedures.forEach((p, i) => {
    if (!isAct(p.act)) problems.push(`grouping procedures[${i}]: ${p.act} is not a CCAM act (IR_CCAM_V63)`);
    if (p.type === 'D' ? p.roots : !p.roots?.length) problems.push(`grouping procedures[${i}]: roots for C/K only`);
    rootNames(p.roots ?? []).forEach((r) => root(`procedures[${i}]`, r, p.type));
  });
  for (const dp of dps) {
    const cmd = cmdOf(dp);
    if (!cmd) {
      problems.push(`grouping: DP ${dp} has no CMD`);
      continue;
    }
    const { operating, diagnostic } = proceduresFor(dp);
    for (const list of [operating, diagnostic]) {
      if (list.reduce((s, p) => s + p.share, 0) > 1) problems.push(`grouping: acts of DP ${dp} share more than 1`);
    }
    for (const age of CHECK_AGES) {
      const stays = [{ acts: [] as string[] }, ...operating.map((p) => ({ acts: [p.act] }))];
      for (const { acts } of stays) {
        const { root: r } = rootOf({ dp, acts, nights: 3, age, died: false });
        if (!r || r.slice(0, 2) !== cmd) problems.push(`grouping: DP ${dp} (CMD ${cmd}) at ${age} goes to ${r}`);
      }
    }
  }
  return [...new Set(problems)];
}
