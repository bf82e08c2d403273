// The licence policy: nothing installed or built may be AGPL, SSPL, BUSL or of a licence nobody read.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript, run before the build
import { identify, judge } from '../../scripts/licences.mjs';

const ROOT = join(__dirname, '..', '..');

describe('npm run licences', () => {
  it('passes on every npm package installed and every tool setup builds', () => {
    const r = spawnSync('npm', ['run', '--silent', 'licences', '--', '--json'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as { kind: string; name: string; licence: string }[];
    expect(rows.filter((x) => x.kind === 'npm').length).toBeGreaterThan(100);
    expect(rows.filter((x) => x.kind === 'tool').map((x) => x.name.split(' ')[0])).toEqual([
      'versitygw',
      'toxiproxy',
      'rclone',
      'seaweedfs',
    ]);
    expect(rows.some((x) => /^(k6|warp)\b/.test(x.name) || /grafana\/k6|minio\/warp/.test(x.name))).toBe(false);
  }, 120_000);

  it('refuses the forbidden licences, even offered beside a free one, and what it cannot tell', () => {
    for (const l of ['AGPL-3.0-only', 'AGPL-3.0-or-later', 'SSPL-1.0', 'BUSL-1.1', 'MIT OR AGPL-3.0', 'Elastic-2.0'])
      expect(judge(l)).toBe('forbidden');
    for (const l of [undefined, '', 'SEE LICENSE IN LICENSE', 'UNLICENSED', 'http://example.org/licence'])
      expect(judge(l)).toBe('unknown');
    for (const l of ['MIT', '(MIT OR Apache-2.0)', 'BSD-3-Clause AND ISC', 'BSL-1.0', 'GPL-2.0 OR MIT'])
      expect(judge(l)).toBe('allowed');
  });

  it('reads a licence from its text', () => {
    expect(identify('GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007')).toBe('AGPL-3.0');
    expect(identify('Business Source License 1.1')).toBe('BUSL-1.1');
    expect(identify('Apache License\n Version 2.0, January 2004')).toBe('Apache-2.0');
    expect(identify('Permission is hereby granted, free of charge, to any person')).toBe('MIT');
    expect(identify('All rights reserved.')).toBe(null);
  });
});
