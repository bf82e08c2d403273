// A stay's GHM from its principal diagnosis (DP), acts, length, age and discharge, by the rules of
// calibration/grouping.json over the GHM roots of MS_GM9_V: the CMD follows the DP, a surgical (C) or
// interventional (K) root only comes with the act that makes it so, and the level with length and age.
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
 * The GHM of a stay: its root, at the level its length and the age give (W from 7 nights or 70
 * years, the CMD's severe S root from 14 nights, A-D by length, E for a death where a root says so).
 */
export function ghmOf(roots: Roots, stay: StayForGrouping): string {
  const { root: r, died } = rootOf(stay);
  if (stay.died && died && roots.has(died)) return died + 'E';
  const root = r ?? '23M06';
  const letters = roots.get(root) ?? 'Z';
  if (letters.includes('Z')) return root + 'Z';
  if (letters.includes('V') || letters.includes('W')) {
    const severe = `${root.slice(0, 3)}01`;
    if (stay.nights >= 14 && roots.get(severe) === 'S') return severe + 'S';
    const w = stay.age >= 70 || stay.nights >= 7;
    return root + ((w && letters.includes('W')) || !letters.includes('V') ? 'W' : 'V');
  }
  const level = stay.nights < 5 ? 0 : stay.nights < 10 ? 1 : stay.nights < 14 ? 2 : 3;
  let best = '';
  for (let i = 0; i <= level; i++) if (letters.includes('ABCD'[i])) best = 'ABCD'[i];
  return root + (best || letters[0]);
}

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
    if (!roots.has(r)) problems.push(`grouping ${at}: root ${r} is not in MS_GM9_V`);
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
