// A rehearsal proves where it starts: a cutover run while the front still routes to the new host (after
// an earlier one) stops before any load with one line and exit 2, and `lab reset` returns the front to
// the old host.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scratch } from './support/scratch.js';
import { loadProfile } from '../src/hosts/profile.js';
import { frontRouting, haproxy } from '../src/hosts/haproxy.js';
import { LAB, lacking } from './support/tools.js';

const skip = lacking(__filename, [...LAB]);
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const work = scratch('starting-state');
const results = join(work, 'results');
const dataset = join(work, 'dataset');

function cli(args: string[]) {
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
}

function cutover(front: string, procedure = 'reference') {
  return cli([
    'cutover',
    '--front',
    front,
    '--from',
    'local-source',
    '--to',
    'local-target',
    '--dataset',
    dataset,
    '--procedure',
    procedure,
    '--duration',
    '10s',
    '--at',
    '4s',
    '--results',
    results,
  ]);
}

/** The front switched to the new host, as a finished cutover leaves it. */
async function switched(): Promise<void> {
  const h = loadProfile('local-front').haproxy!;
  await haproxy(h.socket, `set server ${h.backend}/target state ready`);
  await haproxy(h.socket, `set server ${h.backend}/source state maint`);
}

describe.skipIf(skip)('the starting state is checked, not assumed', () => {
  beforeAll(() => {
    const up = cli(['lab', 'up']);
    expect(up.status, up.stderr).toBe(0);
    expect(cli(['generate', '--beneficiaries', '300', '--years', '2024', '--out', dataset]).status).toBe(0);
    const prefix = `starting-state-${Date.now().toString(36)}`;
    const seeded = cli(['seed', dataset, '--host', 'local-source', '--prefix', prefix]);
    expect(seeded.status, seeded.stderr).toBe(0);
  });
  beforeEach(() => {
    const r = cli(['lab', 'reset']);
    expect(r.status, r.stderr).toBe(0);
  });
  afterAll(() => {
    cli(['lab', 'reset']);
    cli(['lab', 'down']);
  });

  it('a front still routed to the new host: one line, exit 2, no load sent', async () => {
    await switched();
    const r = cutover('local-front');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/local-front already routes to local-target .*lab reset/);
    expect(existsSync(results) ? readdirSync(results) : []).toEqual([]);
  });

  it('a front without a runtime API is probed: an object written only to the old host must come back', async () => {
    await switched();
    // The same front, as a candidate's load balancer without a runtime API would be described.
    const { haproxy: _, ...plain } = JSON.parse(readFileSync(join(ROOT, 'hosts', 'local-front.json'), 'utf8'));
    const profile = join(work, 'plain-front.json');
    writeFileSync(profile, JSON.stringify({ ...plain, name: 'plain-front' }));
    const r = cutover(profile, 'true');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /plain-front does not route to local-source: a probe object written only there read HTTP 404/,
    );
  });

  it('a front sending part of its traffic to the new host is refused too', async () => {
    const h = loadProfile('local-front').haproxy!;
    await haproxy(h.socket, `set server ${h.backend}/target state ready`);
    const r = cutover('local-front');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/already routes to local-target/);
  });

  it('lab reset returns the front to the old host', async () => {
    await switched();
    expect(await frontRouting(loadProfile('local-front').haproxy!)).not.toBe('');
    const r = cli(['lab', 'reset']);
    expect(r.status, r.stderr).toBe(0);
    expect(await frontRouting(loadProfile('local-front').haproxy!)).toBe('');
  });
});
