// The registry and the scripts agree: every scenario script has its workload file and every workload
// of kind scenario its script; a scenario knows every setting its script reads from the environment.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS, WORKLOADS, workloadNamed } from '../../src/load/workloads/index.js';
import { UsageError } from '../../src/util/errors.js';

const DIR = join(__dirname, '..', '..', 'scenarios');
// What the launcher sets, not the user: the host reached and where the summary goes.
const LAUNCHER = /^(S3_|SOURCE_|SUMMARY_JSON$)/;

describe('workloads registry', () => {
  it('lists one workload per scenario script, and a script for each scenario workload', () => {
    const scripts = readdirSync(DIR)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(WORKLOADS.map((w) => w.name).sort()).toEqual(scripts);
    for (const w of SCENARIOS) expect(scripts).toContain(w.name);
  });

  it("knows every setting a scenario's script reads", () => {
    for (const w of SCENARIOS) {
      const text = readFileSync(join(DIR, `${w.name}.ts`), 'utf8');
      const read = [...new Set([...text.matchAll(/__ENV\.([A-Z_]+)/g)].map((m) => m[1]))].filter(
        (k) => !LAUNCHER.test(k),
      );
      expect(read.length, w.name).toBeGreaterThan(0);
      for (const k of read) {
        let message = '';
        try {
          w.settings(w.profiles.ci, { [k]: '1' }, 'test');
        } catch (e) {
          message = (e as Error).message;
        }
        expect(message, `${w.name} ${k}`).not.toMatch(/has no setting/);
      }
      expect(() => w.settings(w.profiles.ci, { NOT_A_SETTING: '1' }, 'test')).toThrow(UsageError);
    }
  });

  it('each profile passes its own check', () => {
    for (const w of WORKLOADS)
      for (const p of ['ci', 'full'] as const) {
        // A scenario's profile checked as if a user gave it; a migration's window is the user's to give.
        const check =
          w.kind === 'scenario'
            ? () => w.settings({}, w.profiles[p], 'test')
            : () => w.settings(w.profiles[p], w.name === 'migration' ? { window: '18h' } : {}, 'test');
        expect(check, `${w.name} ${p}`).not.toThrow();
      }
  });

  it('an unknown name is a UsageError naming the known ones', () => {
    expect(() => workloadNamed('ingets')).toThrow(
      'unknown workload "ingets" (known: ingest, read, mixed, migration, mirror, cutover, consistency, research)',
    );
  });
});
