// The end-of-test summary: handleSummary's `data` in k6's legacy shape, the `--summary-export` transform
// of it, and the default text summary printed when the script has no handleSummary.
import { createHash } from 'node:crypto';
import type { Aggregator } from './aggregator.js';
import { sinkValues, type Sink } from './metrics.js';

export interface SummaryGroup {
  name: string;
  path: string;
  id: string;
  groups: SummaryGroup[];
  checks: { name: string; path: string; id: string; passes: number; fails: number }[];
}

export interface SummaryMetric {
  type: string;
  contains: string;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryData {
  root_group: SummaryGroup;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, SummaryMetric>;
  setup_data?: unknown;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

function groupTree(agg: Aggregator): SummaryGroup {
  const make = (path: string): SummaryGroup => {
    const name = path === '' ? '' : path.slice(path.lastIndexOf('::') + 2);
    const checks = [...(agg.checks.get(path)?.entries() ?? [])].map(([n, c]) => ({
      name: n,
      path: `${path}::${n}`,
      id: md5(`${path}::${n}`),
      passes: c.passes,
      fails: c.fails,
    }));
    const children = [...agg.groups]
      .filter((g) => g !== path && g.startsWith(path + '::') && !g.slice(path.length + 2).includes('::'))
      .sort()
      .map(make);
    return { name, path, id: md5(path), groups: children, checks };
  };
  // Intermediate groups exist even when only nested ones recorded samples.
  for (const g of [...agg.groups]) {
    const parts = g.split('::');
    for (let i = 1; i < parts.length; i++) agg.groups.add(parts.slice(0, i).join('::'));
  }
  return make('');
}

export function summaryData(
  agg: Aggregator,
  o: { trendStats: string[]; timeUnit: string | null; durationMs: number; setupData: unknown },
): SummaryData {
  const durationS = o.durationMs / 1000;
  const metrics: Record<string, SummaryMetric> = {};
  const add = (name: string, type: string, contains: string, sink: Sink, forced: boolean) => {
    if (!forced && sink.count === 0) return;
    metrics[name] = {
      type,
      contains,
      values: sinkValues(type as never, sink, durationS, o.trendStats),
    };
  };
  for (const [name, m] of agg.metrics) {
    const has = agg.thresholds.some((t) => t.key === name);
    add(name, m.def.type, m.def.contains, m.sink, has);
    for (const s of m.subs)
      add(
        s.name,
        m.def.type,
        m.def.contains,
        s.sink,
        agg.thresholds.some((t) => t.sink === s.sink),
      );
  }
  for (const set of agg.thresholds) {
    const entry = metrics[set.key] ?? metrics[set.key.replace(/\s+/g, '')];
    if (!entry) continue;
    entry.thresholds ??= {};
    for (const t of set.list) entry.thresholds[t.source] = { ok: t.ok };
  }
  const data: SummaryData = {
    root_group: groupTree(agg),
    options: { summaryTrendStats: o.trendStats, summaryTimeUnit: o.timeUnit ?? '', noColor: false },
    state: {
      isStdOutTTY: Boolean(process.stdout.isTTY),
      isStdErrTTY: Boolean(process.stderr.isTTY),
      testRunDurationMs: o.durationMs,
    },
    metrics,
  };
  if (o.setupData !== undefined) data.setup_data = o.setupData;
  return data;
}

/** `--summary-export`: no options or state, each metric its values (thresholds inverted: true = failed,
 * a rate's `rate` renamed `value`), groups and checks keyed by name. */
export function summaryExport(d: SummaryData): unknown {
  const group = (g: SummaryGroup): unknown => ({
    name: g.name,
    path: g.path,
    id: g.id,
    groups: Object.fromEntries(g.groups.map((c) => [c.name, group(c)])),
    checks: Object.fromEntries(g.checks.map((c) => [c.name, c])),
  });
  const metrics: Record<string, Record<string, unknown>> = {};
  for (const [name, m] of Object.entries(d.metrics)) {
    const values: Record<string, unknown> = { ...m.values };
    if (m.type === 'rate') {
      values.value = values.rate;
      delete values.rate;
    }
    if (m.thresholds) values.thresholds = Object.fromEntries(Object.entries(m.thresholds).map(([k, v]) => [k, !v.ok]));
    metrics[name] = values;
  }
  const out: Record<string, unknown> = { root_group: group(d.root_group), metrics };
  if (d.setup_data !== undefined) out.setup_data = d.setup_data;
  return out;
}

const fmt = (v: number, contains: string) => {
  if (contains === 'time') return v >= 1000 ? `${(v / 1000).toFixed(2)}s` : `${v.toFixed(2)}ms`;
  if (contains === 'data') return v >= 1 << 20 ? `${(v / (1 << 20)).toFixed(1)} MB` : `${(v / 1024).toFixed(1)} kB`;
  return Number.isInteger(v) ? String(v) : v.toFixed(6).replace(/0+$/, '');
};

/** The default end-of-test text: thresholds, checks and every metric, one line each. */
export function textSummary(d: SummaryData): string {
  const lines: string[] = [''];
  const thresholds = Object.entries(d.metrics).filter(([, m]) => m.thresholds);
  if (thresholds.length) {
    lines.push('  THRESHOLDS');
    for (const [name, m] of thresholds)
      for (const [src, r] of Object.entries(m.thresholds!)) lines.push(`    ${r.ok ? '✓' : '✗'} ${name} ${src}`);
    lines.push('');
  }
  const checks: string[] = [];
  const walk = (g: SummaryGroup) => {
    for (const c of g.checks)
      checks.push(`    ${c.fails ? '✗' : '✓'} ${c.path}  ${c.passes} passed, ${c.fails} failed`);
    g.groups.forEach(walk);
  };
  walk(d.root_group);
  if (checks.length) lines.push('  CHECKS', ...checks, '');
  lines.push('  METRICS');
  const width = Math.max(...Object.keys(d.metrics).map((k) => k.length), 10) + 2;
  for (const name of Object.keys(d.metrics).sort()) {
    const m = d.metrics[name];
    const v = m.values;
    let text: string;
    if (m.type === 'counter') text = `${fmt(v.count, m.contains)}  ${fmt(v.rate, m.contains)}/s`;
    else if (m.type === 'rate') text = `${(v.rate * 100).toFixed(2)}%  ${v.passes} out of ${v.passes + v.fails}`;
    else if (m.type === 'gauge') text = `${fmt(v.value, m.contains)}  min=${v.min} max=${v.max}`;
    else
      text = Object.entries(v)
        .map(([k, x]) => `${k}=${k === 'count' ? x : fmt(x, m.contains)}`)
        .join(' ');
    lines.push(`    ${(name + ' ').padEnd(width, '.')}: ${text}`);
  }
  lines.push('', `  run duration: ${(d.state.testRunDurationMs / 1000).toFixed(1)}s`, '');
  return lines.join('\n') + '\n';
}
