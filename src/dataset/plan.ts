// `sndsbench plan`: rows, bytes, files, core-hours and upload time of a dataset before generating it.
// Rows come from the model's rates (generators/expected.ts); bytes and speed from a calibration
// measured on a generated dataset (generators/calibration/plan.json, or --calibrate DIR).
import { expectedRows } from '../model/expected.js';
import { referentialRows } from '../snds/referentials.js';
import type { Params } from '../model/population.js';
import { schema } from '../snds/schema.js';
import { UsageError } from '../util/errors.js';
import type { HostProfile } from '../hosts/profile.js';
import { BLOCK } from './layout.js';
import { FACT_TABLES, NOMENCLATURE_TABLES, REFERENTIAL_TABLES } from '../snds/catalog.js';
import { partPlanFor } from '../hosts/parts.js';
import { connectionBandwidth, requestCaps } from '../hosts/limits.js';
import { human, duration } from '../util/units.js';
import { type PlanCalibration, fileBytes } from './sizes.js';

export interface PlanOptions extends Params {
  workers: number;
  /** Shards the dataset is cut into (files are per shard): the workers unless said otherwise. */
  shards: number;
  fileRows: number;
  tables: string[];
}

export interface TablePlan {
  table: string;
  rows: number;
  bytes: number;
  files: number;
}

export interface Plan {
  parameters: Record<string, unknown>;
  calibration: string;
  tables: TablePlan[];
  total: {
    rows: number;
    bytes: number;
    files: number;
    objects: number;
    core_hours: number;
    wall_hours: number;
    workers: number;
    rows_per_core_second: number;
  };
  upload?: UploadPlan;
}

/**
 * Files of one partition: generate cuts a file at the first block boundary where it holds --file-rows
 * rows (so a file holds whole blocks, one more than fit below --file-rows), and writes at least one per
 * shard.
 */
function filesOf(rows: number, shards: number, blocks: number, fileRows: number): number {
  const perShard = rows / shards;
  const blocksPerShard = Math.ceil(blocks / shards);
  const blockRows = perShard / blocksPerShard;
  const blocksPerFile = blockRows > 0 ? Math.ceil(fileRows / blockRows) : Infinity;
  return shards * Math.max(1, Math.ceil(blocksPerShard / blocksPerFile));
}

export function plan(o: PlanOptions, cal: PlanCalibration): Plan {
  const expected = expectedRows(o);
  const referentials = referentialRows(o);
  const shards = Math.min(o.shards, Math.ceil(o.beneficiaries / BLOCK));
  const tables: TablePlan[] = [];
  for (const table of o.tables) {
    const points = cal.tables[table];
    if (!points)
      throw new UsageError(
        `the calibration (${cal.source}) has no figures for ${table}: calibrate on a dataset that holds it`,
      );
    let partitions: number[];
    if (NOMENCLATURE_TABLES.includes(table)) partitions = [points[0][0]];
    else if (REFERENTIAL_TABLES.includes(table)) partitions = [referentials[table]];
    else if (schema(table).partitioned_by_year)
      partitions = Array.from(
        { length: o.lastYear - o.firstYear + 1 },
        (_, i) => expected.get(table)?.get(o.firstYear + i) ?? 0,
      );
    else partitions = [expected.get(table)?.get(null) ?? 0];
    const oneFile = !FACT_TABLES.includes(table);
    let [rows, bytes, files] = [0, 0, 0];
    for (const r of partitions) {
      const n = oneFile ? 1 : filesOf(r, shards, Math.ceil(o.beneficiaries / BLOCK), o.fileRows);
      rows += r;
      files += n;
      bytes += n * fileBytes(points, r / n);
    }
    tables.push({ table, rows: Math.round(rows), bytes: Math.round(bytes), files });
  }
  const factRows = tables.filter((t) => FACT_TABLES.includes(t.table)).reduce((s, t) => s + t.rows, 0);
  const coreHours = factRows / cal.rows_per_core_second / 3600;
  const files = tables.reduce((s, t) => s + t.files, 0);
  return {
    parameters: {
      beneficiaries: o.beneficiaries,
      years: `${o.firstYear}-${o.lastYear}`,
      seed: o.seed,
      workers: o.workers,
      shards,
      file_rows: o.fileRows,
    },
    calibration: cal.source,
    tables,
    total: {
      rows: tables.reduce((s, t) => s + t.rows, 0),
      bytes: tables.reduce((s, t) => s + t.bytes, 0),
      files,
      objects: files + (shards > 1 ? shards + 1 : 1),
      core_hours: coreHours,
      wall_hours: coreHours / o.workers,
      workers: o.workers,
      rows_per_core_second: Math.round(cal.rows_per_core_second),
    },
  };
}

export interface UploadOptions {
  profile: HostProfile | null;
  /** Bytes per second, or null for the profile's per-connection figure times the connections. */
  bandwidth: number | null;
  putRate: number | null;
  connections: number;
  partSize: number;
}

export interface UploadPlan {
  host: string | null;
  puts: number;
  multipart_objects: number;
  parts: number;
  /** The most parts one object takes (a table's mean file), and that object's part size and bytes. */
  most_parts: { parts: number; part_size: number; object_bytes: number };
  gets: number;
  bandwidth_bytes_per_second: number | null;
  put_rate: number | null;
  seconds: number;
  bound: 'bandwidth' | 'request rate';
  cost: { currency: string; upload: number; one_read: number; storage_month: number } | null;
}

/** Requests to upload every file (multipart above the part size) and to read each once. */
export function uploadPlan(p: Plan, o: UploadOptions): UploadPlan {
  const profile = o.profile;
  let puts = p.total.objects - p.total.files;
  let parts = 0;
  let multipart = 0;
  let most = { parts: 1, part_size: 0, object_bytes: 0 };
  for (const t of p.tables) {
    if (t.files === 0) continue;
    const plan = partPlanFor(profile, t.bytes / t.files, o.partSize);
    puts += plan.requests * t.files;
    if (!plan.single) {
      multipart += t.files;
      parts += plan.parts * t.files;
    }
    if (plan.parts > most.parts || most.part_size === 0)
      most = { parts: plan.parts, part_size: plan.partSize, object_bytes: t.bytes / t.files };
  }
  const perConnection = profile ? connectionBandwidth(profile.limits) : null;
  const bandwidth = o.bandwidth ?? (perConnection ? perConnection * o.connections : null);
  const putRate = o.putRate ?? (profile ? requestCaps(profile.limits).write : null);
  const byBytes = bandwidth ? p.total.bytes / bandwidth : 0;
  const byRequests = putRate ? puts / putRate : 0;
  const prices = profile?.prices;
  const price = (k: string) => Number(prices?.[k] ?? 0);
  const gb = p.total.bytes / 1e9;
  return {
    host: profile?.name ?? null,
    puts,
    multipart_objects: multipart,
    parts,
    most_parts: most,
    gets: p.total.objects,
    bandwidth_bytes_per_second: bandwidth,
    put_rate: putRate,
    seconds: Math.max(byBytes, byRequests),
    bound: byRequests > byBytes ? 'request rate' : 'bandwidth',
    cost: prices
      ? {
          currency: String(prices.currency ?? 'EUR'),
          upload: (puts / 1000) * price('put_per_1000') + gb * price('ingress_per_gb'),
          one_read: (p.total.objects / 1000) * price('get_per_1000') + gb * price('egress_per_gb'),
          storage_month: gb * price('storage_per_gb_month'),
        }
      : null,
  };
}

export function formatPlan(p: Plan): string {
  const n = (x: number) => x.toLocaleString('en');
  const lines = [
    `plan for ${n(Number(p.parameters.beneficiaries))} beneficiaries, ` +
      `${p.parameters.years}, ${p.parameters.shards} shard(s)`,
    '',
  ];
  lines.push(`${'table'.padEnd(14)}${'rows'.padStart(20)}${'bytes'.padStart(12)}${'files'.padStart(10)}`);
  for (const t of p.tables)
    lines.push(
      `${t.table.padEnd(14)}${n(t.rows).padStart(20)}${human(t.bytes, 'B').padStart(12)}${n(t.files).padStart(10)}`,
    );
  lines.push(
    `${'total'.padEnd(14)}${n(p.total.rows).padStart(20)}` +
      `${human(p.total.bytes, 'B').padStart(12)}${n(p.total.files).padStart(10)}`,
    '',
  );
  lines.push(`objects: ${n(p.total.objects)} (files and manifests)`);
  lines.push(
    `compute: ${p.total.core_hours.toFixed(p.total.core_hours < 10 ? 2 : 0)} core-hours ` +
      `at ${n(p.total.rows_per_core_second)} rows/s per core; ` +
      `${duration(p.total.wall_hours * 3600)} on ${p.total.workers} worker(s)`,
  );
  lines.push(`calibration: ${p.calibration}`);
  const u = p.upload;
  if (u) {
    lines.push('');
    lines.push(
      `upload${u.host ? ' to ' + u.host : ''}: ${n(u.puts)} PUT requests ` +
        `(${n(u.multipart_objects)} multipart objects, ${n(u.parts)} parts); ${n(u.gets)} GETs to read it once`,
    );
    const m = u.most_parts;
    lines.push(
      `parts per object: at most ${n(m.parts)} (${human(m.object_bytes, 'B')} files in parts of ` +
        `${human(m.part_size, 'B')})`,
    );
    const bw = u.bandwidth_bytes_per_second
      ? `${human(u.bandwidth_bytes_per_second * 8, 'bit/s')}`
      : 'bandwidth not given';
    const rate = u.put_rate ? `${n(u.put_rate)} PUT/s` : 'no request cap';
    lines.push(`upload time: ${duration(u.seconds)} (${bw}, ${rate}; bound by ${u.bound})`);
    if (u.cost)
      lines.push(
        `cost: upload ${u.cost.upload.toFixed(2)} ${u.cost.currency}, ` +
          `one full read ${u.cost.one_read.toFixed(2)}, storage ${u.cost.storage_month.toFixed(2)} a month`,
      );
    else if (u.host) lines.push(`cost: the profile lists no prices`);
  }
  return lines.join('\n');
}
