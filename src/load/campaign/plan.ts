// `campaign plan`: what the campaign will send to each candidate, before anything is sent. Requests by
// type are each workload's own estimate (src/load/workloads) from its settings: a fixed arrival rate is
// known; at a fixed number of virtual users each request is assumed to take the campaign's
// `assume.request_ms` plus its bytes at `assume.connection_mib_s` (or the profile's published
// per-connection bandwidth), an upper estimate. A workload the registry does not know is refused.
// A workload whose request rate exceeds a provider's published per-bucket cap, or a campaign over its
// budget, is refused (exit 2).
import { UsageError } from '../../util/errors.js';
import { duration as showDuration, human } from '../../util/units.js';
import { connectionBandwidth, requestCaps } from '../../hosts/limits.js';
import { loadProfile, type HostProfile } from '../../hosts/profile.js';
import { workloadNamed } from '../workloads/index.js';
import { capacityLine } from '../research/predict.js';
import type { Campaign, Workload } from './file.js';

/** What a dataset is, for the plan: how many objects, how many bytes. */
export interface DatasetSize {
  files: number;
  bytes: number;
}

export interface Estimate {
  workload: string;
  host: string;
  seconds: number;
  /** Write requests (PUT, POST, COPY, DELETE) and read requests (GET, HEAD, LIST), on the candidate. */
  put: number;
  get: number;
  put_per_s: number;
  get_per_s: number;
  written: number;
  read: number;
  cost: number | null;
}

export interface CampaignPlan {
  estimates: Estimate[];
  /** Once, before the runs: generating and seeding the dataset on the source. */
  seeding: { put: number; bytes: number } | null;
  total: { requests: number; bytes: number; seconds: number; cost: number | null; currency: string | null };
  refusals: string[];
}

/** Seconds a run takes beyond its load: preflight, the runner's start, summaries, cleanup. */
const OVERHEAD_S = 5;

function perRequestSeconds(c: Campaign, p: HostProfile, bytes: number): number {
  const published = connectionBandwidth(p.limits);
  const bw = Math.min(c.assume.bytesPerSecond, published ?? Infinity);
  return c.assume.requestMs / 1000 + bytes / bw;
}

function estimate(c: Campaign, w: Workload, p: HostProfile, data: DatasetSize | null) {
  return workloadNamed(w.workload).estimate(w.settings, {
    host: p,
    requestSeconds: (bytes) => perRequestSeconds(c, p, bytes),
    dataset: data ?? { files: 0, bytes: 0 },
  });
}

function priceOf(p: HostProfile, key: string): number {
  const v = p.prices?.[key];
  return typeof v === 'number' ? v : 0;
}

export function planCampaign(c: Campaign, data: DatasetSize | null): CampaignPlan {
  const estimates: Estimate[] = [];
  const refusals: string[] = [];
  for (const cand of c.candidates) {
    const p = loadProfile(cand.host);
    const priced = Boolean(p.prices);
    for (const w of c.workloads) {
      const e = estimate(c, w, p, data);
      const putRate = e.put / Math.max(1, e.seconds);
      const getRate = e.get / Math.max(1, e.seconds);
      const cost = priced
        ? (e.put / 1000) * priceOf(p, 'put_per_1000') +
          (e.get / 1000) * priceOf(p, 'get_per_1000') +
          (e.written / 1e9) * priceOf(p, 'ingress_per_gb') +
          (e.read / 1e9) * priceOf(p, 'egress_per_gb')
        : null;
      estimates.push({
        workload: w.id,
        host: cand.host,
        seconds: e.seconds + OVERHEAD_S,
        put: Math.ceil(e.put),
        get: Math.ceil(e.get),
        put_per_s: putRate,
        get_per_s: getRate,
        written: e.written,
        read: e.read,
        cost,
      });
      const cap = requestCaps(p.limits);
      const caps = [
        ['PUT', putRate, cap.write],
        ['GET', getRate, cap.read],
        ['request', putRate + getRate, cap.all],
      ] as const;
      for (const [kind, rate, cap] of caps)
        if (cap && rate > cap)
          refusals.push(
            `workload ${w.id} on ${cand.host}: about ${Math.round(rate)} ${kind}/s, above the ${cap} ${kind}/s per ` +
              `bucket ${p.provider} publishes`,
          );
    }
  }
  const seeding = c.dataset && c.source ? { put: data?.files ?? 0, bytes: data?.bytes ?? 0 } : null;
  const sum = (f: (e: Estimate) => number) => estimates.reduce((s, e) => s + f(e), 0) * c.repeat;
  const costs = estimates.map((e) => e.cost).filter((x): x is number => x !== null);
  const currencies = [...new Set(c.candidates.map((x) => loadProfile(x.host).prices?.currency).filter(Boolean))];
  const total = {
    requests: Math.ceil(sum((e) => e.put + e.get) + (seeding?.put ?? 0)),
    bytes: sum((e) => e.written + e.read) + (seeding?.bytes ?? 0),
    seconds: sum((e) => e.seconds),
    cost: costs.length ? costs.reduce((a, b) => a + b, 0) * c.repeat : null,
    currency: currencies.length ? String(currencies[0]) : null,
  };
  const b = c.budget;
  if (b.requests !== undefined && total.requests > b.requests)
    refusals.push(
      `about ${total.requests.toLocaleString('en')} requests, above the budget of ${b.requests.toLocaleString('en')}`,
    );
  if (b.bytes !== undefined && total.bytes > b.bytes)
    refusals.push(`about ${human(total.bytes, 'B')} moved, above the budget of ${human(b.bytes, 'B')}`);
  if (b.hours !== undefined && total.seconds > b.hours * 3600)
    refusals.push(`about ${showDuration(total.seconds)}, above the budget of ${b.hours} h`);
  if (b.money !== undefined && total.cost !== null && total.cost > b.money)
    refusals.push(
      `about ${total.cost.toFixed(2)} ${total.currency ?? ''} at list prices, above the budget of ${b.money}`,
    );
  return { estimates, seeding, total, refusals };
}

export function formatPlan(c: Campaign, plan: CampaignPlan): string {
  const n = (x: number) => Math.round(x).toLocaleString('en');
  const lines = [
    `campaign ${c.name}: ${c.candidates.length} candidates × ${c.workloads.length} workloads × ` +
      `${c.repeat} repetitions, ` +
      `interleaved across candidates`,
  ];
  if (plan.seeding)
    lines.push(`  dataset on ${c.source}: ${n(plan.seeding.put)} objects, ${human(plan.seeding.bytes, 'B')} (once)`);
  for (const cand of c.candidates) {
    const p = loadProfile(cand.host);
    const cap = (v: number | null | undefined) => v ?? '—';
    const l = requestCaps(p.limits);
    const caps = `caps ${cap(l.write)} PUT/s, ${cap(l.read)} GET/s, ${cap(l.all)} requests/s per bucket`;
    lines.push(`${cand.host} (${p.provider}; ${caps}), per repetition:`);
    for (const e of plan.estimates.filter((x) => x.host === cand.host)) {
      const cost = e.cost === null ? '' : `, ${e.cost.toFixed(4)} ${p.prices?.currency ?? ''}`;
      lines.push(
        `  ${e.workload.padEnd(12)} ${n(e.put)} PUT (${e.put_per_s.toFixed(1)}/s), ` +
          `${n(e.get)} GET (${e.get_per_s.toFixed(1)}/s), ` +
          `${human(e.written, 'B')} written, ${human(e.read, 'B')} read, ${showDuration(e.seconds)}${cost}`,
      );
    }
    if (c.workloads.some((w) => w.workload === 'research'))
      lines.push(`  ${capacityLine(cand.host, requestCaps(p.limits).read)}`);
  }
  const t = plan.total;
  const cost = t.cost === null ? 'no prices listed' : `${t.cost.toFixed(2)} ${t.currency ?? ''} at list prices`;
  lines.push(
    `total: ${n(t.requests)} requests, ${human(t.bytes, 'B')} moved, ${showDuration(t.seconds)}, ${cost} ` +
      `(estimated at ${c.assume.requestMs} ms per request and ` +
      `${c.assume.bytesPerSecond / 2 ** 20} MiB/s per connection)`,
  );
  return lines.join('\n');
}

/** Refuses the campaign in one line when the plan exceeds a cap or the budget. */
export function checkPlan(plan: CampaignPlan): void {
  if (plan.refusals.length)
    throw new UsageError(
      plan.refusals[0] + (plan.refusals.length > 1 ? ` (and ${plan.refusals.length - 1} more: see campaign plan)` : ''),
    );
}
