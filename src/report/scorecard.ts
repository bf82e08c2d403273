// The scorecard: the tender's criteria (report/criteria.json), each held against the comparable runs of
// every candidate. Runs are comparable when their workloads are identical.
import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from '../util/errors.js';
import { projectPath } from '../util/paths.js';
import type { RunManifest } from '../contracts/results.js';
import type { Cell, Criterion, Loaded, Report } from './types.js';
import { interval, ranking } from './intervals.js';

export const DEFAULT_CRITERIA = projectPath('report', 'criteria.json');

export function loadCriteria(path = DEFAULT_CRITERIA): Criterion[] {
  if (!existsSync(path)) throw new UsageError(`--criteria ${path}: no such file`);
  let c: { criteria?: Criterion[] };
  try {
    c = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`--criteria ${path} is not valid JSON: ${(e as Error).message}`);
  }
  const valid = (x: Criterion) => x.id && x.metric && ['<=', '>=', '=='].includes(x.op);
  if (!Array.isArray(c.criteria) || !c.criteria.every(valid)) {
    const shape = '{"criteria": [{"id", "label", "kind", "metric", "op": "<=|>=|==", "threshold"}...]}';
    throw new UsageError(`--criteria ${path}: expected ${shape}`);
  }
  return c.criteria;
}

export const workloadKey = (m: RunManifest) =>
  JSON.stringify(Object.entries(m.workload).sort(([a], [b]) => a.localeCompare(b)));

/** Runs grouped by identical workload, keeping the latest run of each host (`runs` in start order). */
export function byWorkload(runs: Loaded[]): Loaded[][] {
  const groups = new Map<string, Map<string, Loaded>>();
  for (const r of runs) {
    const key = workloadKey(r.manifest);
    if (!groups.has(key)) groups.set(key, new Map());
    groups.get(key)!.set(r.manifest.host, r);
  }
  return [...groups.values()].map((hosts) => [...hosts.values()]);
}

function compare(value: number | string, op: Criterion['op'], threshold: number | string): boolean {
  if (op === '==') return String(value) === String(threshold);
  return op === '<=' ? Number(value) <= Number(threshold) : Number(value) >= Number(threshold);
}

/** Every run of each host per workload (a campaign's repetitions), keyed like `byWorkload`'s groups. */
export function repetitionsOf(runs: Loaded[]): (r: Loaded) => Loaded[] {
  const all = new Map<string, Loaded[]>();
  for (const r of runs) {
    const key = `${r.manifest.host}|${workloadKey(r.manifest)}`;
    all.set(key, [...(all.get(key) ?? []), r]);
  }
  return (r) => all.get(`${r.manifest.host}|${workloadKey(r.manifest)}`) ?? [r];
}

/** One cell from every repetition: the median judged, the range kept; a verdict passes when all runs pass. */
function repeatedCell(criterion: Criterion, reps: Loaded[], latest: Loaded): Cell {
  const values = reps.map((r) => r.metrics[criterion.metric]).filter((v) => v !== undefined);
  if (values.length === 0) return { value: null, pass: null, run: null, interval: null };
  if (values.every((v) => typeof v === 'number')) {
    const i = interval(values as number[])!;
    return { value: i.median, pass: compare(i.median, criterion.op, criterion.threshold), run: latest.id, interval: i };
  }
  const distinct = [...new Set(values.map(String))];
  const pass = values.every((v) => compare(v, criterion.op, criterion.threshold));
  return { value: distinct.join(' / '), pass, run: latest.id, interval: null };
}

export function scorecard(
  criteria: Criterion[],
  groups: Loaded[][],
  candidates: string[],
  reps?: (r: Loaded) => Loaded[],
): Report['scorecard'] {
  return criteria.map((criterion) => {
    // The workload most candidates ran, for this criterion's kind and scenario.
    const eligible = groups.filter(
      (g) =>
        g[0].manifest.kind === criterion.kind && (!criterion.scenario || g[0].manifest.scenario === criterion.scenario),
    );
    // Among them, those that measured the figure first: a cutover's consistency rows are in the cutovers run
    // with --consistency, not in the plain ones beside them.
    const measured = (g: Loaded[]) => g.some((r) => r.metrics[criterion.metric] !== undefined);
    const ordered = eligible.sort((a, b) => Number(measured(b)) - Number(measured(a)) || b.length - a.length);
    const group = ordered[0] ?? [];
    const cells: Record<string, Cell> = {};
    for (const host of candidates) {
      const r = group.find((x) => x.manifest.host === host);
      const value = r?.metrics[criterion.metric];
      cells[host] =
        value === undefined
          ? { value: null, pass: null, run: null }
          : reps
            ? repeatedCell(criterion, reps(r!), r!)
            : { value, pass: compare(value, criterion.op, criterion.threshold), run: r!.id };
    }
    if (!reps) return { criterion, cells };
    const intervals = Object.fromEntries(Object.entries(cells).map(([h, c]) => [h, c.interval ?? null]));
    return { criterion, cells, ranking: ranking(criterion.op, intervals) };
  });
}
