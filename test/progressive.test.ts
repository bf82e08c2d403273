// Progressive cutovers through the lab's HAProxy front: traffic moved in steps by weight and tenant by
// tenant with the reference procedure, a rollback (reference, and a candidate's that loses writes), the
// new host unreachable for 5 s while the traffic is split, and the bad input refused before any load.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadProfile } from '../src/hosts/profile.js';
import { access, list } from '../src/hosts/sync.js';
import { s3Request } from '../src/hosts/s3node.js';
import { cutoverEvent, type WriteEvent } from '../src/contracts/events.js';
import { LAB, lacking } from './support/tools.js';
import { cli, cutoverBench, type Report } from './support/cutover.js';

const skip = lacking(__filename, [...LAB]);
const { results, dataset, cutover, script, setUp, reset, tearDown } = cutoverBench('progressive');
const steps = (...args: string[]) => ['--step-every', '6s', ...args];

/** The dataset's table folders with the most objects (tenants to move). */
function tenants(n: number): string[] {
  const seed = JSON.parse(readFileSync(join(dataset, '_seed-local-source.json'), 'utf8')) as {
    prefix: string;
    objects: { key: string }[];
  };
  const count = new Map<string, number>();
  for (const o of seed.objects) {
    const t = o.key.slice(seed.prefix.length + 1).split('/')[0];
    if (o.key.endsWith('.parquet')) count.set(t, (count.get(t) ?? 0) + 1);
  }
  return [...count]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([t]) => t);
}

/** The writes k6 logged that the given host acknowledged, last version of each key, but for the objects
 * the load deleted since. */
function acknowledgedBy(report: Report, host: string): WriteEvent[] {
  const last = new Map<string, WriteEvent>();
  for (const line of readFileSync(join(report.dir, 'k6.log'), 'utf8').split('\n')) {
    const e = cutoverEvent(line);
    if (e?.event === 'delete') last.delete(e.key);
    if (e?.event !== 'write') continue;
    if ((last.get(e.key)?.version ?? -1) <= (e.version ?? 0)) last.set(e.key, e);
  }
  return [...last.values()].filter((w) => w.host === host);
}

/** Of `writes`, those the old host does not hold byte for byte. */
async function absentFromSource(writes: WriteEvent[]): Promise<string[]> {
  const source = access(loadProfile('local-source'));
  const absent: string[] = [];
  for (const w of writes) {
    const r = await s3Request(source, 'GET', w.key);
    if (r.status !== 200 || createHash('sha256').update(r.body).digest('hex') !== w.sha256) absent.push(w.key);
  }
  return absent.sort();
}

/** A candidate's step: a delta sync, the weights for SNDSBENCH_STEP_PERCENT, and a delta sync again. */
const FORWARD = `
const prefix = process.env.SNDSBENCH_WRITE_PREFIX;
const percent = Number(process.env.SNDSBENCH_STEP_PERCENT);
async function forward() {
  await sync(prefix);
  await haproxy(socket, \`set server \${backend}/target weight \${percent}\`);
  await haproxy(socket, \`set server \${backend}/target state ready\`);
  await haproxy(socket, \`set server \${backend}/source weight \${100 - percent}\`);
  await sync(prefix);
}`;

describe.skipIf(skip)('progressive cutover through the front', () => {
  beforeAll(setUp);
  beforeEach(reset);
  afterAll(tearDown);

  it('three steps by share of traffic, reference procedure: PASS, both hosts serve while split', () => {
    const { status, report, stderr } = cutover('reference', [], steps('--steps', '10%,50%,100%'));
    expect(status, stderr + JSON.stringify(report?.failed)).toBe(0);
    const p = report!.progressive!;
    expect(report!.verdict).toBe('PASS');
    expect(report!.lost_writes).toEqual([]);
    expect(p.ryw_violations).toBe(0);
    expect(report!.acknowledged_writes).toBeGreaterThan(100);
    expect(p.steps.map((s) => [s.index, s.kind, s.percent])).toEqual([
      [0, 'before', 0],
      [1, 'percent', 10],
      [2, 'percent', 50],
      [3, 'percent', 100],
    ]);
    expect(p.steps.every((s) => s.procedure === null || s.procedure.exit === 0)).toBe(true);
    // Before any step only the old host serves; both do while split; the new host after 100%, except
    // requests already on their way at the switch.
    expect(Object.keys(p.steps[0].hosts)).toEqual(['source']);
    for (const s of p.steps.slice(1, 3)) {
      expect(s.hosts.source?.requests, `step ${s.index}`).toBeGreaterThan(0);
      expect(s.hosts.target?.requests, `step ${s.index}`).toBeGreaterThan(0);
    }
    expect(p.steps[2].hosts.target.requests).toBeGreaterThan(p.steps[1].hosts.target.requests);
    const after = p.steps[3];
    expect(after.hosts.target.requests).toBeGreaterThan(10 * (after.hosts.source?.requests ?? 0));
    const text = readFileSync(join(report!.dir, 'verdict.txt'), 'utf8');
    for (const row of ['before the first step', 'step 1 (10%)', 'step 2 (50%)', 'step 3 (100%)'])
      expect(text).toContain(row);
    expect(JSON.parse(readFileSync(join(report!.dir, 'cutover.json'), 'utf8')).progressive.steps).toHaveLength(4);
  });

  it('tenant by tenant, reference procedure: PASS, a tenant moves with its writes, removed after', async () => {
    const moved = tenants(2);
    const { status, report, stderr } = cutover('reference', [], steps('--tenants', moved.join(',')));
    expect(status, stderr + JSON.stringify(report?.failed)).toBe(0);
    const p = report!.progressive!;
    expect(report!.verdict).toBe('PASS');
    expect(report!.lost_writes).toEqual([]);
    expect(p.ryw_violations).toBe(0);
    expect(p.steps.map((s) => s.tenant)).toEqual([null, ...moved]);
    // After the first tenant moved, the new host serves it and the old one the other.
    expect(p.steps[1].hosts.source.requests).toBeGreaterThan(0);
    expect(p.steps[1].hosts.target.requests).toBeGreaterThan(0);
    const writePrefix = `cutover-${report!.dir.split('/').pop()}/`;
    const seedPrefix = JSON.parse(readFileSync(join(dataset, '_seed-local-source.json'), 'utf8')).prefix;
    for (const host of ['local-source', 'local-target'])
      for (const t of moved)
        expect((await list(access(loadProfile(host)), `${seedPrefix}/${t}/${writePrefix}`)).size).toBe(0);
  });

  it('a rollback at step 2, reference: every write the new host acknowledged is on the old host', async () => {
    const { status, report, stderr } = cutover('reference', [], steps('--steps', '50%,100%', '--rollback-at', '2'));
    expect(status, stderr + JSON.stringify(report?.failed)).toBe(0);
    const p = report!.progressive!;
    expect(p.steps.map((s) => s.kind)).toEqual(['before', 'percent', 'rollback']);
    const onTarget = acknowledgedBy(report!, 'target');
    expect(onTarget.length).toBeGreaterThan(10);
    expect(await absentFromSource(onTarget)).toEqual([]);
    expect(p.rollback_lost_writes).toEqual([]);
    expect(p.ryw_violations).toBe(0);
    expect(report!.verdict).toBe('PASS');
  });

  it('a candidate rolling back the routing without syncing: FAIL, exactly the writes left behind', async () => {
    const candidate = script(
      'candidate-rollback',
      `${FORWARD}
if (process.env.SNDSBENCH_STEP_KIND === 'rollback') {
  await haproxy(socket, \`set server \${backend}/source weight 100\`);
  await haproxy(socket, \`set server \${backend}/target weight 0\`);
} else await forward();`,
    );
    const { status, report } = cutover(candidate, [], steps('--steps', '50%,100%', '--rollback-at', '2'));
    expect(status).toBe(1);
    expect(report!.verdict).toBe('FAIL');
    const behind = await absentFromSource(acknowledgedBy(report!, 'target'));
    expect(behind.length).toBeGreaterThan(0);
    expect(report!.progressive!.rollback_lost_writes).toEqual(behind);
    console.log(`rollback without sync: ${behind.length} writes of the new host absent from the old one`);
    expect(report!.failed.some((f) => f.startsWith('writes lost by the rollback'))).toBe(true);
  });

  it('the new host unreachable for 5 s while the traffic is split: its clients see 5 s ± 1 s of downtime, FAIL', () => {
    const outage = script(
      'outage',
      `${FORWARD}
await forward();
if (process.env.SNDSBENCH_STEP === '1') {
  await sleep(1000);
  await setProxyEnabled('local-target', false);
  await sleep(5000);
  await setProxyEnabled('local-target', true);
}`,
    );
    const { status, report } = cutover(outage, [], ['--step-every', '9s', '--steps', '50%,100%']);
    expect(status).toBe(1);
    expect(report!.verdict).toBe('FAIL');
    const p = report!.progressive!;
    const down = p.longest_failure_by_host.target;
    console.log(`5 s outage: new host's longest failure run ${down.toFixed(2)} s, errors ${report!.errors}`);
    expect(Math.abs(down - 5), `downtime on the new host ${down} s`).toBeLessThan(1);
    expect(p.longest_failure_by_host.source ?? 0).toBeLessThan(1);
    expect(p.steps[1].hosts.target.errors).toBeGreaterThan(0);
    expect(report!.longest_failure_s).toBe(down);
    expect(report!.failed.some((f) => f.startsWith('longest failure run'))).toBe(true);
  });
});

describe.skipIf(skip)('progressive cutover: bad input gets one line and exit 2', () => {
  const base = [
    'cutover',
    '--from',
    'local-source',
    '--to',
    'local-target',
    '--dataset',
    dataset,
    '--results',
    results,
  ];
  for (const [what, args, message] of [
    ['steps not ending at 100%', ['--steps', '10%,50%'], /end at 100%/],
    ['steps not increasing', ['--steps', '50%,10%,100%'], /must increase/],
    ['unparsable steps', ['--steps', 'half,all'], /percentages/],
    ['--steps with --tenants', ['--steps', '100%', '--tenants', 'ER_PRS_F'], /exclude each other/],
    ['--steps with --at', ['--steps', '100%', '--at', '10s'], /--at/],
    ['a tenant without objects', ['--tenants', 'NO_SUCH_TABLE'], /NO_SUCH_TABLE: no object/],
    ['an unparsable --step-every', ['--steps', '100%', '--step-every', 'soon'], /--step-every/],
    ['--rollback-at outside the steps', ['--steps', '10%,100%', '--rollback-at', '3'], /--rollback-at/],
    ['a duration too short', ['--steps', '10%,100%', '--step-every', '10s', '--duration', '20s'], /too short/],
    [
      'the reference with a front without runtime API',
      ['--steps', '100%', '--front', 'local-source'],
      /no haproxy socket/,
    ],
  ] as const) {
    it(what, () => {
      const front = (args as readonly string[]).includes('--front') ? [] : ['--front', 'local-front'];
      const r = cli([...base, ...front, '--procedure', 'reference', ...args]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    });
  }
});
