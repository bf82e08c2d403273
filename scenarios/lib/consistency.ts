// The consistency mix, shared by the scripts that run it: scenarios/consistency.ts on one host, and
// scenarios/cutover.ts and scenarios/mirror.ts beside their load, on the host clients write to while a
// switch or a replication runs. Many VUs (clients, each over its own connections) create, overwrite and
// delete objects under a folder of their own and read them back (GET, HEAD) and list them, mixed by
// `mix`; each key has one writer, so what it acknowledged is known. Rounds of `writers` concurrent
// conditional PUTs on one key (`If-None-Match: *` on an absent key, then `If-Match` its ETag) need exactly
// one winner. Every operation is logged with its start, its acknowledgement and its result
// (src/contracts/events.ts); the runner's analysis holds each read against the writes.
import exec from 'k6/execution';
import crypto from 'k6/crypto';
import type { RefinedResponse, ResponseType } from 'k6/http';
import { S3, type S3Target } from './s3.ts';
import { delay } from './delay.ts';
import type { ConsistencyEvent, OperationEvent, WriteOp } from '../../src/contracts/events.ts';

declare const console: { log(message: string): void };

export interface MixSettings {
  target: S3Target;
  /** Every key of the mix is under it. */
  prefix: string;
  /** Bytes of each body. */
  size: number;
  /** Concurrent writers per conditional round. */
  writers: number;
  roundPauseMs: number;
  /** Shares of each action, checked by the runner: create, overwrite, delete, get, head, list. */
  mix: Record<string, number>;
  /** Sends each VU's client id, as the cutover's clients do: a front keeps a client on one host by it. */
  clientId?: boolean;
}

/** The scenarios of the mix: `vus` clients, and one VU of conditional rounds when there are writers. */
export function mixScenarios(
  names: { operations: string; race: string },
  execs: { operations: string; race: string },
  vus: number,
  writers: number,
  duration: string,
) {
  const operations = { executor: 'constant-vus', exec: execs.operations, vus, duration };
  const race = { executor: 'constant-vus', exec: execs.race, vus: 1, duration };
  return { [names.operations]: operations, ...(writers > 0 ? { [names.race]: race } : {}) };
}

/** A VU's part of the mix; its state (the keys it wrote) is the VU's own. */
export function consistencyMix(s: MixSettings) {
  type Answer = RefinedResponse<ResponseType>;
  const client = new S3(s.target);
  /** The calls of the mix: a GET reads the body as text, a 404 is an answer like any other. */
  const s3 = {
    put: (key: string, body: string, headers?: Record<string, string>, expected?: number[]) =>
      client.request('PUT', key, body, { name: 'PutObject', op: 'put', discard: true, headers, expected }),
    get: (key: string) =>
      client.request('GET', key, null, { name: 'GetObject', op: 'get', text: true, expected: [200, 404] }),
    head: (key: string) =>
      client.request('HEAD', key, null, { name: 'HeadObject', op: 'head', discard: true, expected: [200, 404] }),
    delete: (key: string) => client.delete(key),
    list: (prefix: string, token?: string) => client.list(prefix, 1000, token),
  };
  const log = (e: ConsistencyEvent) => console.log(JSON.stringify({ consistency: true, ...e }));
  const servedBy = (r: Answer) => {
    const h = r.headers['X-Served-By'];
    return h ? { host: h } : {};
  };
  const identify = () => {
    if (s.clientId) client.unsigned = { 'x-sndsbench-client': `vu-${exec.vu.idInTest}` };
  };

  /** A body that names its key and version, padded to the size. */
  function body(key: string, version: string): string {
    const head = `${key}\n${version}\n`;
    return head + '.'.repeat(Math.max(0, s.size - head.length));
  }

  /** A VU's live keys stay few, so that its listings stay one page. */
  const MAX_LIVE = 100;
  /** This VU's keys: those it may read back, with their last version, and a few it deleted. */
  const live: { key: string; version: number }[] = [];
  const deleted: string[] = [];
  let created = 0;
  const folder = () => `${s.prefix}v${exec.vu.idInTest}/`;
  const pickLive = () => live[Math.floor(Math.random() * live.length)];

  async function write(op: WriteOp, key: string, version: number): Promise<number> {
    const start = Date.now();
    const text = op === 'delete' ? '' : body(key, String(version));
    const r = op === 'delete' ? await s3.delete(key) : await s3.put(key, text);
    const e: OperationEvent = { event: 'op', op, key, start, end: Date.now(), status: r.status };
    if (op !== 'delete') Object.assign(e, { version, etag: crypto.md5(text, 'hex') });
    log({ ...e, ...servedBy(r) });
    return r.status;
  }

  async function read(key: string, how: 'get' | 'head'): Promise<void> {
    const start = Date.now();
    const r = how === 'get' ? await s3.get(key) : await s3.head(key);
    const e: OperationEvent = { event: 'op', op: how, key, start, end: Date.now(), status: r.status };
    if (how === 'get' && r.status === 200) {
      const [name, version] = String(r.body ?? '').split('\n', 2);
      e.version = name === key && /^\d+$/.test(version ?? '') ? Number(version) : -1;
    }
    if (how === 'get' && r.status === 404) e.version = 0;
    if (how === 'head' && r.status === 200) e.etag = String(r.headers['Etag'] ?? '').replace(/"/g, '');
    log({ ...e, ...servedBy(r) });
  }

  /** Every key of this VU's folder, page after page. */
  async function list(): Promise<void> {
    const prefix = folder();
    const start = Date.now();
    const keys: string[] = [];
    let token = '';
    let r: Answer;
    let host = {};
    do {
      r = await s3.list(prefix, token || undefined);
      host = servedBy(r);
      const xml = String(r.body ?? '');
      for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(m[1]);
      const truncated = /<IsTruncated>true<\/IsTruncated>/.test(xml);
      token = truncated ? (/<NextContinuationToken>([^<]+)</.exec(xml)?.[1] ?? '') : '';
    } while (r.status === 200 && token);
    log({ event: 'op', op: 'list', key: prefix, start, end: Date.now(), status: r.status, keys, ...host });
  }

  const readBack = (key: string) => read(key, Math.random() < 0.5 ? 'get' : 'head');

  function action(): string {
    let x = Math.random() * Object.values(s.mix).reduce((a, b) => a + b, 0);
    for (const [name, share] of Object.entries(s.mix)) if ((x -= share) < 0) return name;
    return 'create';
  }

  /** One action of the mix; a create, an overwrite and a delete read their key back at once. */
  async function operations(): Promise<void> {
    identify();
    let a = action();
    if (a === 'create' && live.length >= MAX_LIVE) a = 'delete';
    if ((a === 'overwrite' || a === 'delete') && live.length === 0) a = 'create';
    if ((a === 'get' || a === 'head') && live.length + deleted.length === 0) a = 'create';
    if (a === 'create') {
      const key = `${folder()}k${++created}`;
      const status = await write('create', key, 1);
      // A write that got no answer may still land: its key is read, never written again.
      if (status < 300 || status >= 500 || status === 0) live.push({ key, version: 1 });
      await readBack(key);
      await list();
    } else if (a === 'overwrite') {
      const o = pickLive();
      o.version++;
      await write('overwrite', o.key, o.version);
      await read(o.key, 'get');
    } else if (a === 'delete') {
      const o = pickLive();
      const status = await write('delete', o.key, 0);
      if (status < 300 || status >= 500 || status === 0) {
        live.splice(live.indexOf(o), 1);
        deleted.push(o.key);
        if (deleted.length > 20) deleted.shift();
      }
      await readBack(o.key);
      await list();
    } else if (a === 'get' || a === 'head') {
      const keys = [...live.map((o) => o.key), ...deleted];
      await read(keys[Math.floor(Math.random() * keys.length)], a);
    } else await list();
  }

  /** Every writer's PUT sent at once (each on a connection of its own); the statuses logged in writer order. */
  async function round(kind: 'create' | 'overwrite', key: string, condition: Record<string, string>) {
    const start = Date.now();
    const bodies = Array.from({ length: s.writers }, (_, i) => body(key, `${kind} writer ${i}`));
    const answers = await Promise.all(bodies.map((b) => s3.put(key, b, condition, [200, 409, 412])));
    const statuses = answers.map((r) => r.status);
    log({ event: 'round', kind, key, statuses, start, end: Date.now() });
  }

  async function race(): Promise<void> {
    identify();
    const key = `${s.prefix}race/${exec.vu.idInTest}-${exec.vu.iterationInScenario}`;
    await round('create', key, { 'If-None-Match': '*' });
    // The ETag the key has now (several writers may have won the create): the overwrite round's condition.
    const head = await s3.head(key);
    const etag = head.headers['Etag'];
    if (head.status === 200 && etag) await round('overwrite', key, { 'If-Match': etag });
    await s3.delete(key);
    await delay(s.roundPauseMs / 1000);
  }

  return { operations, race, loadStarts: () => log({ event: 'load', t: Date.now() }) };
}

/**
 * The mix beside another scenario's load, as CONSISTENCY_* set it (none without CONSISTENCY_PREFIX): its
 * VU state and the scenarios to add, which run the script's `consistencyOperations` and `consistencyRace`.
 * `target` is read only when the mix runs: its variables are set only then.
 */
export function mixBesideLoad(target: () => S3Target, duration: string, clientId = false) {
  const prefix = __ENV.CONSISTENCY_PREFIX || '';
  if (!prefix) return { mix: null, scenarios: {} };
  const writers = Number(__ENV.CONSISTENCY_WRITERS || 0);
  const mix = consistencyMix({
    target: target(),
    prefix,
    size: Number(__ENV.CONSISTENCY_SIZE || 1024),
    writers,
    roundPauseMs: 100,
    mix: JSON.parse(__ENV.CONSISTENCY_MIX || '{"create":1}') as Record<string, number>,
    clientId,
  });
  const scenarios = mixScenarios(
    { operations: 'consistency', race: 'consistency-races' },
    { operations: 'consistencyOperations', race: 'consistencyRace' },
    Number(__ENV.CONSISTENCY_VUS || 4),
    writers,
    duration,
  );
  return { mix, scenarios };
}
