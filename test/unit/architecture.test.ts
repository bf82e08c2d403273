// The dependency rule of ARCHITECTURE.md, read from the imports themselves: which room may import
// which, no command module importing another, and no import cycle.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');

/** The rooms each room may import (its own is always allowed). */
export const ALLOWED: Record<string, string[]> = {
  util: [],
  contracts: ['util'],
  model: ['util'],
  snds: ['model', 'util'],
  hosts: ['contracts', 'util', 'scenarios'],
  dataset: ['snds', 'model', 'hosts', 'contracts', 'util'],
  load: ['hosts', 'contracts', 'util', 'scenarios'],
  report: ['contracts', 'hosts', 'util'],
  cli: ['util', 'contracts', 'model', 'snds', 'dataset', 'hosts', 'load', 'report', 'engine'],
  bench: ['util', 'contracts', 'model', 'snds', 'dataset', 'hosts', 'load', 'report', 'engine'],
  entry: ['cli'],
  scenarios: ['contracts'],
  engine: [],
};

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

function roomOf(file: string): string {
  if (file === 'src/cli.ts') return 'entry';
  if (file.startsWith('scenarios/')) return 'scenarios';
  return file.split('/')[1];
}

/** Relative imports of a file, as project paths of .ts files. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specs
    .filter((s) => !s.endsWith('.json'))
    .map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)).replace(/\.js$/, '.ts'));
}

const files = [...sources('src'), ...sources('scenarios')];
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('the dependency rule', () => {
  it('every import stays within what its room may import', () => {
    const broken: string[] = [];
    for (const [file, deps] of graph) {
      const room = roomOf(file);
      expect(ALLOWED[room], `${file} is in no known room`).toBeDefined();
      for (const d of deps) {
        const to = roomOf(d);
        if (to !== room && !ALLOWED[room].includes(to)) broken.push(`${file} → ${d}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('no command module imports another', () => {
    const commands = (d: string) => d.startsWith('src/cli/') && d !== 'src/cli/args.ts';
    const broken = [...graph].flatMap(([file, deps]) =>
      file !== 'src/cli/main.ts' && commands(file) ? deps.filter(commands).map((d) => `${file} → ${d}`) : [],
    );
    expect(broken).toEqual([]);
  });

  it('has no import cycle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const d of graph.get(f) ?? []) visit(d, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('every import names a file that exists', () => {
    const missing = [...graph].flatMap(([file, deps]) =>
      // Third-party copies (scenarios/vendor) are JavaScript, beside their declarations.
      deps
        .filter((d) => !graph.has(d) && !existsSync(join(ROOT, d.replace(/\.ts$/, '.js'))))
        .map((d) => `${file} → ${d}`),
    );
    expect(missing).toEqual([]);
  });
});
