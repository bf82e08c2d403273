// HTTPS as real hosts serve it: the lab's target and front speak TLS with a lab CA, every client is
// given a profile's ca_bundle, and a bad certificate stops a command before any load, naming why.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratch } from './support/scratch.js';
import { certificateAuthority, serverCertificate } from '../src/hosts/tls.js';
import { LAB, lacking } from './support/tools.js';
import { runnerCommand } from '../src/load/launcher.js';

const skip = lacking(__filename, [...LAB]);
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const work = scratch('tls');

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true', ...env } });
}

const labProfile = (name: string) => JSON.parse(readFileSync(join(ROOT, 'hosts', `${name}.json`), 'utf8'));

/** A profile file for `endpoint`, with the lab target's credentials and the given CA bundle. */
function profileAt(name: string, endpoint: string, ca: string | null): string {
  const file = join(work, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({ ...labProfile('local-target'), name, endpoint, ca_bundle: ca, toxiproxy: undefined }),
  );
  return file;
}

/** A real TLS server on 127.0.0.1 presenting `cert`; answers 200 to anything. */
function serve(cert: { cert: string; key: string }): Promise<{ url: string; close: () => void }> {
  const server = https.createServer({ cert: readFileSync(cert.cert), key: readFileSync(cert.key) }, (_q, r) => r.end());
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({ url: `https://127.0.0.1:${port}`, close: () => server.close() });
    }),
  );
}

describe.skipIf(skip)('TLS', () => {
  const closers: (() => void)[] = [];
  beforeAll(() => expect(cli(['lab', 'up']).status).toBe(0));
  afterAll(() => {
    for (const c of closers) c();
    cli(['lab', 'down']);
  });

  it('the lab serves the target and the front over HTTPS, with a CA key kept private', () => {
    for (const name of ['local-target', 'local-target-capped', 'local-front']) {
      const p = labProfile(name);
      expect(p.endpoint, name).toMatch(/^https:\/\//);
      expect(existsSync(p.ca_bundle)).toBe(true);
    }
    expect(readdirSync(join(ROOT, '.lab', 'tls')).filter((f) => f.includes('key'))).not.toHaveLength(0);
    for (const f of readdirSync(join(ROOT, '.lab', 'tls')).filter((f) => f.includes('key') || f.includes('combined'))) {
      expect(spawnSync('stat', ['-c', '%a', join(ROOT, '.lab', 'tls', f)], { encoding: 'utf8' }).stdout.trim(), f).toBe(
        '600',
      );
    }
  });

  it("the runner trusts the profile's ca_bundle, and fails without it", () => {
    const results = join(work, 'results');
    const ok = cli(['run', 'ingest', '--host', 'local-target', '--results', results, '--set', 'DURATION=3s']);
    expect(ok.status, ok.stderr).toBe(0);
    const dir = readdirSync(results).map((d) => join(results, d))[0];
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.metrics.http_req_failed.values.rate).toBe(0);
    expect(summary.metrics.s3_bytes.values.count).toBeGreaterThan(0);

    // The same scenario, the same environment but for the CA: every request fails on the certificate.
    const env = readFileSync(join(ROOT, '.lab', 'credentials.env'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('='));
    const keys = Object.fromEntries(env.map(([k, ...v]) => [k, v.join('=')]));
    const runner = runnerCommand();
    const bare = spawnSync(
      runner.argv[0],
      [...runner.argv.slice(1), 'run', ...runner.runFlags, '--quiet', join(ROOT, 'scenarios', 'ingest.ts')],
      {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          S3_ENDPOINT: labProfile('local-target').endpoint,
          S3_BUCKET: 'snds',
          S3_REGION: 'us-east-1',
          S3_PATH_STYLE: 'true',
          S3_ACCESS_KEY: keys.SNDSBENCH_LOCAL_TARGET_ACCESS_KEY,
          S3_SECRET_KEY: keys.SNDSBENCH_LOCAL_TARGET_SECRET_KEY,
          VUS: '1',
          DURATION: '2s',
          OBJECT_SIZE: '1000',
          SUMMARY_JSON: join(work, 'bare.json'),
        },
      },
    );
    expect(bare.stdout + bare.stderr).toMatch(/x509: certificate signed by unknown authority/);
    expect(JSON.parse(readFileSync(join(work, 'bare.json'), 'utf8')).metrics.http_req_failed.values.rate).toBe(1);
  });

  it("seed uploads over HTTPS with the profile's CA", () => {
    const data = join(work, 'data');
    expect(
      cli(['generate', '--beneficiaries', '50', '--years', '2024', '--tables', 'IR_BEN_R', '--out', data]).status,
    ).toBe(0);
    const r = cli(['seed', data, '--host', 'local-target', '--prefix', `tls-${Date.now().toString(36)}`]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/seeded \d+ objects/);
  });

  const refused: [string, () => Promise<{ profile: string; cause: RegExp }>][] = [
    [
      'a CA that did not sign the certificate',
      async () => {
        const other = certificateAuthority(join(work, 'other-ca'), 'another CA');
        return {
          profile: profileAt('wrong-ca', labProfile('local-target').endpoint, other.ca),
          cause: /is not signed by the CA in ca_bundle .*other-ca\/ca\.pem/,
        };
      },
    ],
    [
      'an expired certificate',
      async () => {
        const s = await serve(serverCertificate(join(ROOT, '.lab', 'tls'), 'expired', ['127.0.0.1'], -1));
        closers.push(s.close);
        return { profile: profileAt('expired', s.url, labProfile('local-target').ca_bundle), cause: /has expired/ };
      },
    ],
    [
      'a certificate for another name',
      async () => {
        const s = await serve(serverCertificate(join(ROOT, '.lab', 'tls'), 'elsewhere', ['storage.example.org']));
        closers.push(s.close);
        return {
          profile: profileAt('mismatch', s.url, labProfile('local-target').ca_bundle),
          cause: /does not name 127\.0\.0\.1 \(hostname mismatch\)/,
        };
      },
    ],
  ];
  for (const [what, make] of refused) {
    it(`${what}: one line naming the cause, exit 2, no load`, async () => {
      const { profile, cause } = await make();
      const results = join(work, `refused-${profile.length}-${Date.now()}`);
      // spawnSync would block the event loop that serves the certificate: run the command asynchronously.
      const { spawn } = await import('node:child_process');
      const r = await new Promise<{ status: number; stderr: string }>((resolve) => {
        const child = spawn('node', [CLI, 'run', 'ingest', '--host', profile, '--results', results], {
          env: { ...process.env, CI: 'true' },
        });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (code) => resolve({ status: code ?? -1, stderr }));
      });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(cause);
      expect(existsSync(results)).toBe(false);
    });
  }
});
