// What a result was measured with, written beside it as manifest.json: two results are compared only
// when their workloads match, and every figure of a report links to its run's manifest.
import { spawnSync } from 'node:child_process';
import { cpus, platform, release, totalmem } from 'node:os';
import { projectPath } from '../util/paths.js';
import type { RunManifest } from '../contracts/results.js';
import { VERSION } from '../util/version.js';

function commit(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: projectPath(), encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: projectPath(),
    encoding: 'utf8',
  }).stdout.trim();
  return r.status === 0 ? r.stdout.trim() + (dirty ? '+changes' : '') : 'unknown';
}

export function sizes(list: number[]): RunManifest['object_sizes'] {
  if (list.length === 0) return null;
  const s = [...list].sort((a, b) => a - b);
  return { count: s.length, min: s[0], median: s[s.length >> 1], max: s[s.length - 1] };
}

export function runManifest(m: Omit<RunManifest, 'sndsbench' | 'machine' | 'started'>): RunManifest {
  const c = cpus();
  return {
    ...m,
    sndsbench: { version: VERSION, commit: commit() },
    machine: {
      platform: `${platform()} ${release()}`,
      cpus: c.length,
      cpu: c[0]?.model ?? 'unknown',
      memory_gb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    started: new Date().toISOString(),
  };
}
