// The consistency mix beside a cutover (`cutover --consistency`): clients that keep writing through the
// front and read their writes back. The reference switch (sync, switch, sync) breaks none of their reads;
// a switch without the final sync sends them to a new host that lacks what they wrote before it, and
// every anomaly found is such a read: answered by the new host, of a write the old host acknowledged
// before the switch, of a key the new host still lacks. Bad input (a malformed mix, the mix with a cutover
// by tenants) is one line, exit 2, nothing written.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadProfile } from '../src/hosts/profile.js';
import { access, list } from '../src/hosts/sync.js';
import { ANOMALY_KINDS } from '../src/contracts/results.js';
import type { OperationEvent } from '../src/contracts/events.js';
import { LAB, lacking } from './support/tools.js';
import { cli, cutoverBench } from './support/cutover.js';
import type { Report } from '../src/report/report.js';

const skip = lacking(__filename, [...LAB]);
const { work, cutover, script, setUp, reset, tearDown } = cutoverBench('cutover-consistency');
const MIX = ['--consistency', '--consistency-vus', '4'];
// Long enough after the switch for the clients to read back, through the new host, what they wrote before.
const TIMING = ['--at', '3s', '--duration', '20s'];
// The fault: a later switch and no deletes, so that many keys written before it are read back after it.
const LEFT_BEHIND = ['--consistency-mix', 'create=30,get=40,head=20,list=10'];
const LATE = ['--at', '8s', '--duration', '20s'];

const SWITCH =
  'await haproxy(socket, `set server ${backend}/target state ready`); ' +
  'await haproxy(socket, `set server ${backend}/source state maint`);';

const operations = (dir: string) =>
  gunzipSync(readFileSync(join(dir, 'operations.jsonl.gz')))
    .toString()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as OperationEvent);

describe.skipIf(skip)('cutover with the consistency mix', () => {
  beforeAll(setUp);
  beforeEach(reset);
  afterAll(tearDown);

  it('bad input: a malformed mix is one line, exit 2, nothing written', () => {
    const folder = join(work, 'never');
    const r = cutover('reference', [...MIX, '--consistency-mix', 'create=10,copy=5', '--results', folder]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--consistency-mix must be shares of create/);
    expect(existsSync(folder)).toBe(false);
  });

  it('a cutover by tenants refuses the mix (its clients belong to no tenant): one line, exit 2, nothing sent', () => {
    const folder = join(work, 'never-tenants');
    const r = cutover('reference', [...MIX, '--results', folder], ['--tenants', 'ER_PRS_F', '--step-every', '5s']);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--consistency needs a cutover that moves clients .*not --tenants/);
    expect(existsSync(folder)).toBe(false);
  });

  it('the reference switch: reads answered by both hosts, no anomaly of any kind, PASS', () => {
    const { status, report, stderr } = cutover('reference', MIX, TIMING);
    expect(status, stderr + JSON.stringify(report?.failed)).toBe(0);
    const mix = report!.consistency!;
    expect(mix.verdict).toBe('PASS');
    // The mix's clients crossed the switch: the old host answered them, then the new one.
    expect(mix.served_by.source).toBeGreaterThan(0);
    expect(mix.served_by.target).toBeGreaterThan(0);
    for (const k of ANOMALY_KINDS) expect(mix.kinds[k].anomalies, k).toBe(0);
    expect(ANOMALY_KINDS.reduce((n, k) => n + mix.kinds[k].checks, 0)).toBeGreaterThan(20);
    console.log(
      `reference with the mix: ${JSON.stringify(mix.operations)}, judged checks ` +
        `${ANOMALY_KINDS.map((k) => `${k} ${mix.kinds[k].checks}`).join(', ')}; during the switch ` +
        `${mix.window!.anomalies} anomalies of ${mix.window!.checks} checks`,
    );
    // The load's figures are the load's: the mix's 404s are not its errors.
    expect(report!.errors).toBe(0);
    expect(report!.verdict).toBe('PASS');
  });

  it('a progressive cutover by share of traffic: clients moved step by step, no anomaly judged, PASS', () => {
    // Two clients, and steps far enough apart for the reference's syncs (which copy the mix's objects too) to
    // end before the next step on a loaded machine.
    const two = ['--consistency', '--consistency-vus', '2'];
    const { status, report, stderr } = cutover('reference', two, ['--steps', '50%,100%', '--step-every', '12s']);
    expect(status, stderr + JSON.stringify(report?.failed) + report?.procedure.output).toBe(0);
    const mix = report!.consistency!;
    expect(mix.verdict).toBe('PASS');
    expect(report!.progressive!.steps.filter((s) => s.procedure)).toHaveLength(2);
    // The mix's clients were answered by the old host, then by the new one once their share moved.
    expect(mix.served_by.source).toBeGreaterThan(0);
    expect(mix.served_by.target).toBeGreaterThan(0);
    for (const k of ANOMALY_KINDS) expect(mix.kinds[k].anomalies, k).toBe(0);
    expect(ANOMALY_KINDS.reduce((n, k) => n + mix.kinds[k].checks, 0)).toBeGreaterThan(20);
    console.log(
      `progressive with the mix: ${JSON.stringify(mix.operations)}, served by ${JSON.stringify(mix.served_by)}, ` +
        `judged checks ${ANOMALY_KINDS.map((k) => `${k} ${mix.kinds[k].checks}`).join(', ')}; during the steps ` +
        `${mix.window!.anomalies} anomalies of ${mix.window!.checks} checks`,
    );
    expect(report!.verdict).toBe('PASS');
  });

  it('a switch without the final sync: read-after-create anomalies, each a read of a write left behind', async () => {
    const { status, report, stderr } = cutover(script('switch-only', SWITCH), [...MIX, ...LEFT_BEHIND], LATE);
    expect(status, stderr).toBe(1);
    const mix = report!.consistency!;
    const found = mix.kinds['read-after-create'].anomalies;
    expect(found).toBeGreaterThan(0);
    expect(report!.failed.join('\n')).toMatch(/consistency anomalies \d+ > 0/);
    // Independently of the analysis: the writes logged, the front's x-served-by, the new host's listing now.
    const ops = operations(report!.dir);
    const switched = report!.procedure.end;
    const onTarget = await list(access(loadProfile('local-target')), mix.prefix);
    for (const a of mix.anomalies) {
      expect(a.host, a.key).toBe('target');
      const writes = ops.filter((o) => o.key === a.key && o.op === 'create' && o.status === 200);
      expect(writes.length, a.key).toBe(1);
      expect(writes[0].host, a.key).toBe('source');
      // Sent before the switch ended (answered by the old host, possibly just after it).
      expect(writes[0].start, a.key).toBeLessThanOrEqual(switched);
      expect(onTarget.has(a.key), a.key).toBe(false);
    }
    expect(mix.anomalies.filter((a) => a.kind === 'read-after-create')).toHaveLength(found);
    // The report: the scorecard's rows for the mix fail with the measured rate, and its anomalies are drawn.
    const out = join(work, 'report-left-behind');
    const rep = cli(['report', report!.dir, '--out', out]);
    expect(rep.status, rep.stderr).toBe(0);
    const scored = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    const row = scored.scorecard.find((x) => x.criterion.id === 'cutover-consistency')!;
    const checks = ANOMALY_KINDS.reduce((n, k) => n + mix.kinds[k].checks, 0);
    const anomalies = ANOMALY_KINDS.reduce((n, k) => n + mix.kinds[k].anomalies, 0);
    expect(row.cells['local-target']).toMatchObject({ pass: false, value: (anomalies / checks) * 100_000 });
    const page = readFileSync(join(out, 'report.html'), 'utf8');
    const figure = page.split('<figure>').find((f) => f.includes('consistency anomalies over time'));
    expect(figure, 'no chart of the anomalies over time').toBeDefined();
    expect(figure).toContain('<svg');
    console.log(
      `switch without the final sync: ${found} read-after-create anomalies of ` +
        `${mix.kinds['read-after-create'].checks} checks, ${mix.failed.join('; ')}`,
    );
  });
});
