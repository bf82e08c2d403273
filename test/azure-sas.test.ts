// Azure Blob reached with SAS tokens, as the platform's storage mostly is: seed, migrate (the k6 source
// and rclone check) and the pre-flight take one; a token without list permission or expired stops the
// command before any copy, with one line.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratch } from './support/scratch.js';
import { containerSas } from '../src/hosts/s3node.js';
import { credentialsOf, loadProfile } from '../src/hosts/profile.js';
import { rclone } from '../src/hosts/rclone.js';
import { LAB, lacking } from './support/tools.js';

const skip = lacking(__filename, [...LAB, 'rclone']);
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const work = scratch('sas');
const dataset = join(work, 'dataset');
const prefix = `sas-${Date.now().toString(36)}`;

function cli(args: string[], sas: string) {
  return spawnSync('node', [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', TEST_AZURE_SAS: sas },
  });
}

/** A SAS with `permissions`, valid for `seconds` (negative: already expired), for the lab's container. */
function sas(permissions: string, seconds: number): string {
  const { accessKey, secretKey } = credentialsOf(loadProfile('local-azure-source'));
  return containerSas(accessKey, secretKey, 'snds', permissions, new Date(Date.now() + seconds * 1000));
}

describe.skipIf(skip)('Azure Blob with a SAS token', () => {
  const profile = join(work, 'azure-sas.json');
  beforeAll(() => {
    expect(cli(['lab', 'up'], '').status).toBe(0);
    const azure = loadProfile('local-azure-source');
    writeFileSync(
      profile,
      JSON.stringify({
        ...azure,
        name: 'azure-sas',
        credentials: { access_key_env: azure.credentials.access_key_env, sas_token_env: 'TEST_AZURE_SAS' },
      }),
    );
    expect(cli(['generate', '--beneficiaries', '300', '--years', '2024', '--out', dataset], '').status).toBe(0);
  });
  afterAll(() => cli(['lab', 'down'], ''));

  it('seed, migrate and rclone check with SAS tokens; the token never reaches a file', () => {
    const write = sas('rwcl', 3600);
    const seeded = cli(['seed', dataset, '--host', profile, '--prefix', prefix], write);
    expect(seeded.status, seeded.stderr).toBe(0);
    const read = sas('rl', 3600);
    const results = join(work, 'results');
    const m = cli(
      [
        'migrate',
        '--from',
        profile,
        '--to',
        'local-target',
        '--dataset',
        dataset,
        '--window',
        '1d',
        '--results',
        results,
      ],
      read,
    );
    expect(m.status, m.stderr + m.stdout).toBe(0);
    expect(m.stdout).toMatch(/verdict: PASS/);
    process.env.TEST_AZURE_SAS = read;
    const check = rclone(
      ['check', `src:snds/${prefix}`, `dst:snds/${prefix}`, '--download'],
      loadProfile(profile),
      loadProfile('local-target'),
    );
    delete process.env.TEST_AZURE_SAS;
    expect(check.output).toMatch(/ 0 differences found/);
    const dir = m.stdout.match(/results in (\S+)/)![1];
    const sig = decodeURIComponent(new URLSearchParams(read).get('sig')!);
    for (const f of ['k6.log', 'command.txt', 'migration.json', 'summary.json']) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(text.includes(sig) || text.includes(encodeURIComponent(sig)), `${f} leaks the SAS`).toBe(false);
    }
  });

  const refused: [string, () => string, RegExp][] = [
    ['a SAS without list permission', () => sas('r', 3600), /does not grant list \(sp=r\)/],
    ['an expired SAS', () => sas('rl', -60), /expired at/],
  ];
  for (const [what, token, cause] of refused) {
    it(`${what}: one line, exit 2, nothing copied`, () => {
      const results = join(work, `refused-${what.length}`);
      const r = cli(
        [
          'migrate',
          '--from',
          profile,
          '--to',
          'local-target',
          '--dataset',
          dataset,
          '--window',
          '1d',
          '--results',
          results,
        ],
        token(),
      );
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(cause);
      expect(existsSync(results)).toBe(false);
    });
  }
});
