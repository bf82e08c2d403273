// What the cutover test files share: the CLI, a scratch dataset seeded on the lab's source, the front
// reset before each run, and procedure scripts written as a candidate would write theirs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { scratch } from './scratch.js';
import { clearToxics, setProxyEnabled } from '../../src/hosts/toxics.js';
import type { CutoverReport } from '../../src/contracts/results.js';

export const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const dist = (path: string) => join(ROOT, 'dist', 'src', path);

export function cli(args: string[]) {
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
}

/** What `cutover --json` prints. */
export type Report = CutoverReport & { dir: string };

export function cutoverBench(name: string) {
  const work = scratch(name);
  const results = join(work, 'results');
  const dataset = join(work, 'dataset');

  /** `cutover` from the lab's source to its target through its front; `timing` is --at and --duration
   * unless the run is progressive. */
  function cutover(
    procedure: string,
    extra: string[] = [],
    timing = ['--at', '4s', '--duration', '12s'],
  ): { status: number; report: Report | null; stderr: string } {
    const r = cli([
      'cutover',
      '--front',
      'local-front',
      '--from',
      'local-source',
      '--to',
      'local-target',
      '--dataset',
      dataset,
      '--procedure',
      procedure,
      ...timing,
      '--rate',
      '30',
      '--results',
      results,
      '--json',
      ...extra,
    ]);
    return {
      status: r.status ?? -1,
      report: r.stdout.trim() ? (JSON.parse(r.stdout) as Report) : null,
      stderr: r.stderr,
    };
  }

  /** A procedure script: Node with the lab's modules, the front's socket and backend in its environment,
   * and `sync(prefix)`, a delta sync from source to target that remembers across the steps' calls. */
  function script(file: string, body: string): string {
    const path = join(work, `${file}.mjs`);
    writeFileSync(
      path,
      `import { haproxy } from '${dist('hosts/haproxy.js')}';\n` +
        `import { addToxic, clearToxics, setProxyEnabled } from '${dist('hosts/toxics.js')}';\n` +
        'const socket = process.env.SNDSBENCH_HAPROXY_SOCKET, backend = process.env.SNDSBENCH_HAPROXY_BACKEND;\n' +
        'const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\n' +
        // Imported inside, so that a script's body may import the same names.
        'async function sync(prefix) {\n' +
        `  const { existsSync, readFileSync, writeFileSync } = await import('node:fs');\n` +
        `  const { access, DeltaSync } = await import('${dist('hosts/sync.js')}');\n` +
        `  const { loadProfile } = await import('${dist('hosts/profile.js')}');\n` +
        `  const state = '${work}/sync-' + process.env.SNDSBENCH_WRITE_PREFIX.replace(/\\W/g, '_') + '.json';\n` +
        '  const [c, w] = existsSync(state) ? JSON.parse(readFileSync(state, "utf8")) : [[], []];\n' +
        '  const copied = new Map(c), written = new Map(w);\n' +
        '  const s = new DeltaSync(access(loadProfile("local-source")), access(loadProfile("local-target")),\n' +
        '    prefix, 8, copied, written);\n' +
        '  await s.run();\n' +
        '  writeFileSync(state, JSON.stringify([[...copied], [...written]]));\n' +
        '}\n' +
        `${body}\n`,
    );
    return `node ${path}`;
  }

  return {
    work,
    results,
    dataset,
    cutover,
    script,
    /** The lab up, a small dataset generated and seeded on the source under a prefix of this file's own. */
    setUp() {
      mkdirSync(results, { recursive: true });
      const up = cli(['lab', 'up']);
      expect(up.status, up.stderr).toBe(0);
      expect(cli(['generate', '--beneficiaries', '2000', '--years', '2024', '--out', dataset]).status).toBe(0);
      const seeded = cli([
        'seed',
        dataset,
        '--host',
        'local-source',
        '--prefix',
        `${name}-data-${Date.now().toString(36)}`,
      ]);
      expect(seeded.status, seeded.stderr).toBe(0);
    },
    /** Every run starts on the old host: source ready at full weight, target in maintenance, no tenant
     * routed, the target reachable and without toxics. */
    async reset() {
      const r = cli(['lab', 'reset']);
      expect(r.status, r.stderr).toBe(0);
    },
    async tearDown() {
      await setProxyEnabled('local-target', true).catch(() => undefined);
      await clearToxics('local-target').catch(() => undefined);
      cli(['lab', 'down']);
    },
  };
}
