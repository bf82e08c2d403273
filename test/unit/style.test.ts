// The house layout beyond what the formatter enforces: no source line longer than 120 characters.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

it('source lines are at most 120 characters', () => {
  const long: string[] = [];
  for (const dir of ['src', 'scenarios', 'test']) {
    for (const f of readdirSync(join(ROOT, dir), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts'))) {
      readFileSync(join(ROOT, dir, f), 'utf8')
        .split('\n')
        .forEach((line, i) => line.length > 120 && long.push(`${dir}/${f}:${i + 1} (${line.length})`));
    }
  }
  expect(long).toEqual([]);
});
