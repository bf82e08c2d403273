// A test file's scratch folder, removed when the file's tests are done: a full run must fit on a small
// disk, so nothing a test writes outlives its file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export function scratch(name: string, parent = tmpdir()): string {
  const dir = mkdtempSync(join(parent, `sndsbench-${name}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
