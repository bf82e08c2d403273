// The JSON lines the migration, cutover and mirror scenarios log with console.log, read back by the runner from
// k6's `--log-format json` output. The scenarios type what they log with these (`import type`: k6 never
// loads this file); the runner parses each line into them, checking every field, as another process wrote it.

/** migration.ts: the listing, then per object one `copy` line and, once copied, one `verify` line; per object
 * the source deleted since the last copy, one `delete` line. */
export type MigrationEvent = ListedEvent | CopyEvent | VerifyEvent | DeleteEvent;
export interface ListedEvent {
  migration: 'listed';
  objects: number;
  todo: number;
  gone: number;
}
export interface CopyEvent {
  migration: 'copy';
  key: string;
  etag: string;
  bytes: number;
  ok: boolean;
  attempts: number;
  error: string;
  /** Epoch milliseconds. */
  start: number;
  end: number;
}
export interface VerifyEvent {
  migration: 'verify';
  key: string;
  ok: boolean;
  error: string;
  /** Epoch milliseconds when the read-back ended. */
  end?: number;
}

export interface DeleteEvent {
  migration: 'delete';
  key: string;
  ok: boolean;
  error: string;
}

/** cutover.ts logs each as `{ "cutover": true, ...event }`; times are epoch milliseconds. */
export type CutoverEvent = LoadEvent | WriteEvent | DeletedEvent | StateReadEvent | IntegrityEvent;
export interface LoadEvent {
  event: 'load';
  t: number;
}
/** An acknowledged write; `version` marks the writes of a VU's state object. */
export interface WriteEvent {
  event: 'write';
  key: string;
  sha256: string;
  bytes: number;
  version?: number;
  start: number;
  t: number;
  /** The host that acknowledged it (the front's x-served-by header), when the front names it. */
  host?: string;
}
/** An acknowledged delete of an object the same client wrote earlier: it must not survive on the new host. */
export interface DeletedEvent {
  event: 'delete';
  key: string;
  t: number;
  /** The host that acknowledged it, when the front names it. */
  host?: string;
}
/** A read of a VU's state object: `got` must not be below the last acknowledged version. */
export interface StateReadEvent {
  event: 'state-read';
  key: string;
  got: number;
  expected: number;
  start: number;
  /** The host that answered the read, and the one that acknowledged the expected version. */
  host?: string;
  wrote?: string;
}
export interface IntegrityEvent {
  event: 'integrity';
  key: string;
  t: number;
}

type Json = Record<string, unknown>;
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

/** The JSON a scenario logged with console.log, from one line of k6's `--log-format json`, or null. */
export function scenarioMessage(line: string): Json | null {
  try {
    const m: unknown = JSON.parse(JSON.parse(line).msg);
    return m && typeof m === 'object' && !Array.isArray(m) ? { ...m } : null;
  } catch {
    return null;
  }
}

/** A migration scenario's event from one log line, or null for any other line. */
export function migrationEvent(line: string): MigrationEvent | null {
  const m = line.includes('migration') ? scenarioMessage(line) : null;
  if (!m) return null;
  const { key, etag, bytes, ok, attempts, error, start, end, objects, todo, gone } = m;
  if (m.migration === 'listed' && isNumber(objects) && isNumber(todo) && isNumber(gone))
    return { migration: 'listed', objects, todo, gone };
  if (m.migration === 'verify' && isString(key) && isBoolean(ok) && isString(error))
    return { migration: 'verify', key, ok, error, ...(isNumber(end) ? { end } : {}) };
  if (m.migration === 'delete' && isString(key) && isBoolean(ok) && isString(error))
    return { migration: 'delete', key, ok, error };
  if (m.migration !== 'copy' || !isString(key) || !isString(etag) || !isNumber(bytes) || !isBoolean(ok)) return null;
  if (!isNumber(attempts) || !isString(error) || !isNumber(start) || !isNumber(end)) return null;
  return { migration: 'copy', key, etag, bytes, ok, attempts, error, start, end };
}

/** A cutover scenario's event from one log line, or null for any other line. */
export function cutoverEvent(line: string): CutoverEvent | null {
  const m = line.includes('cutover') ? scenarioMessage(line) : null;
  if (!m || m.cutover !== true) return null;
  const { key, t, sha256, bytes, version, start, got, expected, host, wrote } = m;
  const hosts = { ...(isString(host) ? { host } : {}), ...(isString(wrote) ? { wrote } : {}) };
  switch (m.event) {
    case 'load':
      return isNumber(t) ? { event: 'load', t } : null;
    case 'integrity':
      return isString(key) && isNumber(t) ? { event: 'integrity', key, t } : null;
    case 'state-read':
      return isString(key) && isNumber(got) && isNumber(expected) && isNumber(start)
        ? { event: 'state-read', key, got, expected, start, ...hosts }
        : null;
    case 'delete':
      return isString(key) && isNumber(t) ? { event: 'delete', key, t, ...hosts } : null;
    case 'write':
      if (!isString(key) || !isString(sha256) || !isNumber(bytes) || !isNumber(start) || !isNumber(t)) return null;
      if (version !== undefined && !isNumber(version)) return null;
      return { event: 'write', key, sha256, bytes, ...(version === undefined ? {} : { version }), start, t, ...hosts };
    default:
      return null;
  }
}

/** mirror.ts logs each as `{ "mirror": true, ...event }`; times are epoch milliseconds. */
export type MirrorEvent = LoadEvent | MutationEvent | IntegrityEvent;
/** An acknowledged change under the run prefix: a new object, a new body for one written earlier, or the
 * deletion of one written earlier. `sha256` and `md5` (the ETag a single PUT gets) are the body's; a
 * delete has neither. */
export interface MutationEvent {
  event: 'mutation';
  kind: 'write' | 'overwrite' | 'delete';
  key: string;
  sha256?: string;
  md5?: string;
  t: number;
}

/** A mirror scenario's event from one log line, or null for any other line. */
export function mirrorEvent(line: string): MirrorEvent | null {
  const m = line.includes('mirror') ? scenarioMessage(line) : null;
  if (!m || m.mirror !== true) return null;
  const { key, t, kind, sha256, md5 } = m;
  switch (m.event) {
    case 'load':
      return isNumber(t) ? { event: 'load', t } : null;
    case 'integrity':
      return isString(key) && isNumber(t) ? { event: 'integrity', key, t } : null;
    case 'mutation':
      if (!isString(key) || !isNumber(t)) return null;
      if (kind === 'delete') return { event: 'mutation', kind, key, t };
      if ((kind !== 'write' && kind !== 'overwrite') || !isString(sha256) || !isString(md5)) return null;
      return { event: 'mutation', kind, key, sha256, md5, t };
    default:
      return null;
  }
}

/** consistency.ts logs each as `{ "consistency": true, ...event }`; times are epoch milliseconds. */
export type ConsistencyEvent = LoadEvent | OperationEvent | RoundEvent;
export type WriteOp = 'create' | 'overwrite' | 'delete';
export type ReadOp = 'get' | 'head' | 'list';
/** One operation: when it was sent (`start`), when its answer came (`end`: the acknowledgement of a
 * write) and what the answer said. Each key has one writer, which writes it in order. */
export interface OperationEvent {
  event: 'op';
  op: WriteOp | ReadOp;
  /** The object's key; for a listing, the prefix listed. */
  key: string;
  start: number;
  end: number;
  /** The HTTP status; 0 when no answer came (a timeout, a reset). */
  status: number;
  /** A write: the body's version (1 for the create). A GET: the version its body names, 0 when the
   * object was not found, -1 for a body of no version of this key. */
  version?: number;
  /** A write: its body's MD5 (the ETag of a single PUT). A HEAD: the ETag answered. */
  etag?: string;
  /** A listing: the keys it listed. */
  keys?: string[];
  /** The server that answered, when a front names it (its x-served-by header). */
  host?: string;
}
/** A round of concurrent conditional PUTs on one key: `create` sends `If-None-Match: *` to an absent
 * key, `overwrite` sends `If-Match` with its current ETag; exactly one should win. */
export interface RoundEvent {
  event: 'round';
  kind: 'create' | 'overwrite';
  key: string;
  /** Every writer's HTTP status (0: no answer). */
  statuses: number[];
  start: number;
  end: number;
}

const OPS = ['create', 'overwrite', 'delete', 'get', 'head', 'list'];

/** A consistency scenario's event from one log line, or null for any other line. */
export function consistencyEvent(line: string): ConsistencyEvent | null {
  const m = line.includes('consistency') ? scenarioMessage(line) : null;
  if (!m || m.consistency !== true) return null;
  const { op, key, start, end, status, version, etag, keys, host, kind, statuses, t } = m;
  if (m.event === 'load') return isNumber(t) ? { event: 'load', t } : null;
  if (m.event === 'round') {
    if ((kind !== 'create' && kind !== 'overwrite') || !isString(key) || !isNumber(start) || !isNumber(end))
      return null;
    if (!Array.isArray(statuses) || !statuses.every(isNumber)) return null;
    return { event: 'round', kind, key, statuses: [...statuses], start, end };
  }
  if (m.event !== 'op' || !isString(op) || !OPS.includes(op) || !isString(key)) return null;
  if (!isNumber(start) || !isNumber(end) || !isNumber(status)) return null;
  if (version !== undefined && !isNumber(version)) return null;
  if (etag !== undefined && !isString(etag)) return null;
  if (keys !== undefined && !(Array.isArray(keys) && keys.every(isString))) return null;
  return {
    event: 'op',
    op: op as OperationEvent['op'],
    key,
    start,
    end,
    status,
    ...(version === undefined ? {} : { version }),
    ...(etag === undefined ? {} : { etag }),
    ...(keys === undefined ? {} : { keys: [...keys] }),
    ...(isString(host) ? { host } : {}),
  };
}

/** research.ts logs one per query a researcher ran: its time waiting on storage, what it cost, and whether
 * its answer was checked and found wrong (`wrong` names how). Times are milliseconds (`t` epoch). */
export interface ResearchEvent {
  research: 'answer';
  query: string;
  class: string;
  researcher: number;
  /** Researchers the schedule had active while the query ran; 0 when that number changed meanwhile (a
   * researcher joined during the query) and for the check pass before the load. */
  researchers: number;
  /** cold: the query read footers this researcher had not read before. */
  phase: 'cold' | 'warm';
  t: number;
  ms: number;
  decode_ms: number;
  gets: number;
  bytes: number;
  rounds: number;
  inflight: number;
  throttled: number;
  checked: boolean;
  wrong: string | null;
}

/** A research scenario's event from one log line, or null for any other line. */
export function researchEvent(line: string): ResearchEvent | null {
  const m = line.includes('research') ? scenarioMessage(line) : null;
  if (!m || m.research !== 'answer') return null;
  const { query, researcher, researchers, phase, t, ms, decode_ms, gets, bytes, rounds, inflight, throttled } = m;
  const numbers = [researcher, researchers, t, ms, decode_ms, gets, bytes, rounds, inflight, throttled];
  if (!isString(query) || !isString(m.class) || !numbers.every(isNumber) || !isBoolean(m.checked)) return null;
  if ((phase !== 'cold' && phase !== 'warm') || !(m.wrong === null || isString(m.wrong))) return null;
  return {
    research: 'answer',
    query,
    class: m.class,
    researcher: researcher as number,
    researchers: researchers as number,
    phase,
    t: t as number,
    ms: ms as number,
    decode_ms: decode_ms as number,
    gets: gets as number,
    bytes: bytes as number,
    rounds: rounds as number,
    inflight: inflight as number,
    throttled: throttled as number,
    checked: m.checked,
    wrong: m.wrong,
  };
}
