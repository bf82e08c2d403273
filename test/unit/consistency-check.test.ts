// The pure parts of `sndsbench consistency`: reads and listings held against each key's acknowledged
// writes, on synthetic operation logs; conditional rounds; the events as logged; the mix; the verdict.
import { describe, expect, it } from 'vitest';
import { analyseOperations, analyseRounds, expectation } from '../../src/load/consistency-check.js';
import { consistencyEvent, type OperationEvent, type RoundEvent } from '../../src/contracts/events.js';
import { judge, mixFigures, MixLog, parseMix, DEFAULT_MIX } from '../../src/load/consistency-mix.js';
import { UsageError } from '../../src/util/errors.js';
import type { ConsistencyReport } from '../../src/contracts/results.js';

/** An operation sent at `start`, answered 10 ms later. */
function op(o: Partial<OperationEvent> & Pick<OperationEvent, 'op' | 'key' | 'start'>): OperationEvent {
  return { event: 'op', end: o.start + 10, status: 200, ...o };
}
const create = (key: string, start: number, extra: Partial<OperationEvent> = {}) =>
  op({ op: 'create', key, start, version: 1, etag: `md5-${key}-1`, ...extra });
const overwrite = (key: string, start: number, version: number, extra: Partial<OperationEvent> = {}) =>
  op({ op: 'overwrite', key, start, version, etag: `md5-${key}-${version}`, ...extra });
const del = (key: string, start: number, extra: Partial<OperationEvent> = {}) =>
  op({ op: 'delete', key, start, status: 204, ...extra });
const get = (key: string, start: number, version: number, extra: Partial<OperationEvent> = {}) =>
  op({ op: 'get', key, start, version, status: version === 0 ? 404 : 200, ...extra });
const head = (key: string, start: number, etag: string | null) =>
  op({ op: 'head', key, start, status: etag ? 200 : 404, ...(etag ? { etag } : {}) });
const list = (prefix: string, start: number, keys: string[]) => op({ op: 'list', key: prefix, start, keys });

describe('reads held against acknowledged writes', () => {
  it('a strongly consistent history: every read and listing is a check, none fails', () => {
    const ops = [
      create('p/a', 0),
      get('p/a', 20, 1),
      head('p/a', 40, 'md5-p/a-1'),
      list('p/', 60, ['p/a']),
      overwrite('p/a', 100, 2),
      get('p/a', 120, 2),
      del('p/a', 200),
      get('p/a', 220, 0),
      list('p/', 240, []),
    ];
    const a = analyseOperations(ops, 0);
    expect(a.anomalies).toEqual([]);
    expect(a.kinds['read-after-create'].checks).toBe(2);
    expect(a.kinds['read-after-overwrite'].checks).toBe(1);
    expect(a.kinds['read-after-delete'].checks).toBe(1);
    expect(a.kinds['list-after-create'].checks).toBe(1);
    expect(a.kinds['list-after-delete'].checks).toBe(1);
    expect(a.operations).toEqual({ create: 1, get: 3, head: 1, list: 2, overwrite: 1, delete: 1 });
  });

  it('a create not yet visible: read-after-create anomalies per 100,000 checks, how long they lasted', () => {
    const ops = [
      create('p/a', 0),
      get('p/a', 20, 0),
      head('p/a', 520, null),
      get('p/a', 1020, 1),
      create('p/b', 2000),
      get('p/b', 2020, 1),
    ];
    const a = analyseOperations(ops, 0);
    const f = a.kinds['read-after-create'];
    expect([f.checks, f.anomalies, f.per_100k, f.episodes]).toEqual([4, 2, 50_000, 1]);
    // From the acknowledgement (10 ms) to the last anomalous read sent (520 ms).
    expect(f.lasted_ms.max).toBe(510);
    expect(a.anomalies.map((x) => [x.op, x.since_ms, x.expected, x.got])).toEqual([
      ['get', 10, 1, 0],
      ['head', 510, 1, 0],
    ]);
    expect(a.timeline.map((s) => [s.second, s.checks, s['read-after-create']])).toEqual([
      [0, 2, 2],
      [1, 1, 0],
      [2, 1, 0],
    ]);
  });

  it('an older body after an overwrite, a body after a delete, an old ETag on HEAD', () => {
    const ops = [
      create('p/a', 0),
      overwrite('p/a', 100, 2),
      get('p/a', 120, 1),
      head('p/a', 140, '"md5-p/a-1"'),
      del('p/a', 200),
      get('p/a', 220, 2, { host: 'replica' }),
    ];
    const a = analyseOperations(ops, 0);
    expect(a.kinds['read-after-overwrite'].anomalies).toBe(2);
    expect(a.kinds['read-after-delete'].anomalies).toBe(1);
    expect(a.anomalies.at(-1)).toMatchObject({ kind: 'read-after-delete', expected: 0, got: 2, host: 'replica' });
    expect(a.served_by).toEqual({ replica: 1 });
  });

  it('a body of no version of the key is an anomaly', () => {
    const a = analyseOperations([create('p/a', 0), get('p/a', 20, -1)], 0);
    expect(a.kinds['read-after-create'].anomalies).toBe(1);
  });

  it('a write still under way, or one that got no answer, makes its state acceptable', () => {
    // The overwrite is sent at 100 and acknowledged at 110; the read runs from 105 to 115.
    const overlapping = [create('p/a', 0), overwrite('p/a', 100, 2), get('p/a', 105, 2)];
    expect(analyseOperations(overlapping, 0).anomalies).toEqual([]);
    expect(analyseOperations(overlapping, 0).kinds['read-after-create'].checks).toBe(1);
    const lost = [create('p/a', 0), overwrite('p/a', 100, 2, { status: 0 }), get('p/a', 200, 2), get('p/a', 300, 1)];
    expect(analyseOperations(lost, 0).anomalies).toEqual([]);
    // A write refused (4xx) did not happen: its body seen is an anomaly.
    const refused = [create('p/a', 0), overwrite('p/a', 100, 2, { status: 403 }), get('p/a', 200, 2)];
    expect(analyseOperations(refused, 0).kinds['read-after-create'].anomalies).toBe(1);
  });

  it('reads before any acknowledged write, and failed reads, are not checks', () => {
    const ops = [create('p/a', 0), get('p/a', 5, 0), get('p/a', 50, 1, { status: 503 }), get('q/x', 50, 0)];
    const a = analyseOperations(ops, 0);
    expect(a.kinds['read-after-create'].checks).toBe(0);
    expect(a.failed_operations).toBe(1);
  });

  it('expectation: the last acknowledged write, and the states of writes overlapping the read', () => {
    const writes = [create('k', 0), overwrite('k', 100, 2), overwrite('k', 200, 3, { status: 500 })];
    expect(expectation(writes, 5, 50)).toBeNull();
    const e = expectation(writes, 150, 250)!;
    expect(e.base.version).toBe(2);
    expect([...e.acceptable].sort()).toEqual([2, 3]);
  });
});

describe('listings held against acknowledged creates and deletes', () => {
  it('a created key missing from listings until one shows it; a deleted key still listed', () => {
    const ops = [
      create('p/a', 0),
      list('p/', 20, []),
      list('p/', 300, []),
      list('p/', 600, ['p/a']),
      list('p/', 900, ['p/a']),
      del('p/a', 1000),
      list('p/', 1020, ['p/a']),
      list('p/', 1500, []),
    ];
    const a = analyseOperations(ops, 0);
    const c = a.kinds['list-after-create'];
    // Checked by the three listings up to the first that shows it; not by the later one.
    expect([c.checks, c.anomalies, c.lasted_ms.max]).toEqual([3, 2, 290]);
    const d = a.kinds['list-after-delete'];
    expect([d.checks, d.anomalies]).toEqual([2, 1]);
    expect(a.anomalies.find((x) => x.kind === 'list-after-delete')).toMatchObject({ got: 1, expected: 0 });
  });

  it('a listing of another folder checks nothing there; a listing of a parent checks its folders', () => {
    const ops = [create('p/v1/a', 0), list('p/v2/', 20, []), list('p/', 40, ['p/v1/a'])];
    const a = analyseOperations(ops, 0);
    expect(a.kinds['list-after-create'].checks).toBe(1);
    expect(a.anomalies).toEqual([]);
  });
});

describe('conditional rounds', () => {
  const round = (key: string, kind: RoundEvent['kind'], statuses: number[]): RoundEvent => ({
    event: 'round',
    kind,
    key,
    statuses,
    start: 0,
    end: 5,
  });
  it('exactly one winner passes; none or several are named by key; other statuses are errors', () => {
    const rounds = [
      round('r/1', 'create', [200, 412, 412, 409]),
      round('r/2', 'create', [200, 200, 412, 412]),
      round('r/3', 'create', [412, 412, 503, 412]),
      round('r/1', 'overwrite', [200, 200, 200, 200]),
    ];
    const c = analyseRounds(rounds, 'create');
    expect(c).toMatchObject({ rounds: 3, one_winner: 1, no_winner: 1, several_winners: 1, errors: 1 });
    expect(c.several_winners_keys).toEqual(['r/2']);
    expect(c.no_winner_keys).toEqual(['r/3']);
    expect(c.winners).toEqual({ 0: 1, 1: 1, 2: 1 });
    expect(analyseRounds(rounds, 'overwrite').winners).toEqual({ 4: 1 });
  });
});

describe('the events as logged, the mix, the verdict', () => {
  const line = (m: unknown) => JSON.stringify({ level: 'info', msg: JSON.stringify(m) });
  it('parses operations and rounds, refuses malformed ones', () => {
    const e = { consistency: true, event: 'op', op: 'list', key: 'p/', start: 1, end: 2, status: 200, keys: ['p/a'] };
    expect(consistencyEvent(line(e))).toEqual({
      event: 'op',
      op: 'list',
      key: 'p/',
      start: 1,
      end: 2,
      status: 200,
      keys: ['p/a'],
    });
    expect(consistencyEvent(line({ ...e, op: 'copy' }))).toBeNull();
    expect(consistencyEvent(line({ ...e, keys: [1] }))).toBeNull();
    expect(consistencyEvent(line({ ...e, consistency: false }))).toBeNull();
    const r = { consistency: true, event: 'round', kind: 'create', key: 'k', statuses: [200, 412], start: 1, end: 2 };
    expect(consistencyEvent(line(r))).toMatchObject({ event: 'round', statuses: [200, 412] });
    expect(consistencyEvent(line({ ...r, statuses: ['200'] }))).toBeNull();
    expect(consistencyEvent('level=info msg="consistency"')).toBeNull();
  });

  it('a mix is shares of known actions with some creates', () => {
    expect(parseMix('create=1,get=3')).toEqual({ create: 1, overwrite: 0, delete: 0, get: 3, head: 0, list: 0 });
    expect(
      parseMix(
        Object.entries(DEFAULT_MIX)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      ),
    ).toEqual(DEFAULT_MIX);
    for (const bad of ['create=x', 'copy=3', 'get=3', 'create=2;get=1', ''])
      expect(() => parseMix(bad), bad).toThrow(UsageError);
  });

  it('FAIL on any anomaly or lost round, or when nothing was checked', () => {
    const a = analyseOperations([create('p/a', 0), get('p/a', 20, 1)], 0);
    const base = {
      kinds: a.kinds,
      conditional: { races_lost: 0 },
    } as unknown as ConsistencyReport;
    expect(judge(base)).toEqual([]);
    expect(judge({ ...base, conditional: { races_lost: 2 } } as ConsistencyReport)).toEqual([
      '2 conditional rounds without exactly one winner',
    ]);
    const empty = analyseOperations([], 0);
    expect(judge({ ...base, kinds: empty.kinds })).toEqual(['no read or listing was checked: nothing measured']);
    const bad = analyseOperations([create('p/a', 0), get('p/a', 20, 0)], 0);
    expect(judge({ ...base, kinds: bad.kinds })).toEqual(['1 read-after-create anomalies (100000 per 100,000 checks)']);
  });
});

describe('the mix beside a cutover: checks during a switch counted apart', () => {
  /** The mix's log with `ops`, as the runner gathers it. */
  const logOf = (ops: OperationEvent[]) => Object.assign(new MixLog(), { ops: [...ops] });
  const options = { vus: 1, writers: 0, mix: DEFAULT_MIX, size: 1024 };
  const where = { host: 'front', prefix: 'p/', t0: 0, removed: null };

  it('a read during the window, or held against a write acknowledged in it, is apart; others are judged', () => {
    const ops = [
      create('p/a', 0), // acknowledged before the window
      get('p/a', 1100, 0), // read during the window: apart, an anomaly
      get('p/a', 3000, 0), // after it: judged, an anomaly
      create('p/b', 1500), // acknowledged during the window
      get('p/b', 3000, 0), // after it, but of a write in the window: apart
      del('p/a', 3500),
      get('p/a', 3600, 0), // judged, no anomaly
    ];
    const f = mixFigures(logOf(ops), options, { ...where, windows: [[1000, 2000]] });
    expect(f.kinds['read-after-create']).toMatchObject({ checks: 1, anomalies: 1 });
    expect(f.kinds['read-after-delete']).toMatchObject({ checks: 1, anomalies: 0 });
    expect(f.window).toEqual({
      checks: 2,
      anomalies: 2,
      kinds: {
        'read-after-create': 2,
        'read-after-overwrite': 0,
        'read-after-delete': 0,
        'list-after-create': 0,
        'list-after-delete': 0,
      },
    });
    expect(f.operations).toEqual({ create: 2, get: 4, delete: 1 });
    expect(f.verdict).toBe('FAIL');
    expect(f.failed).toEqual(['1 read-after-create anomalies (100000 per 100,000 checks)']);
  });

  it('without windows (a mirror) every check is judged, and a clean history passes', () => {
    const ops = [create('p/a', 0), get('p/a', 1100, 1), list('p/', 1200, ['p/a'])];
    const f = mixFigures(logOf(ops), options, where);
    expect(f.window).toBeUndefined();
    expect(f.kinds['read-after-create'].checks).toBe(1);
    expect(f.kinds['list-after-create'].checks).toBe(1);
    expect([f.verdict, f.failed]).toEqual(['PASS', []]);
  });
});
