// The random streams are numbered in one table (src/model/streams.ts): numbers are unique, every call site
// that keys a stream names it from the table (no literal number), and every stream listed is drawn from.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STREAM, STREAMS } from '../../src/model/streams.js';
import { streamKey } from '../../src/model/rng.js';

const SRC = join(__dirname, '..', '..', 'src');

function sources(dir: string): { file: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') ? [{ file: path.slice(SRC.length + 1), text: readFileSync(path, 'utf8') }] : [];
  });
}

/** The text of a call's arguments, from its opening parenthesis to the matching one. */
function argumentsAt(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

/** Every call of a function that keys a stream, outside rng.ts and streams.ts: file, callee and arguments. */
function streamCalls(): { file: string; callee: string; args: string }[] {
  const out: { file: string; callee: string; args: string }[] = [];
  for (const { file, text } of sources(SRC)) {
    if (file === join('model', 'rng.ts') || file === join('model', 'streams.ts')) continue;
    // A module's own `unit` helper forwards a stream number to streamKey: its calls are checked too.
    const callees = ['streamKey', 'personRng', 'hashDraw', ...(/const unit = \(/.test(text) ? ['unit'] : [])];
    for (const callee of callees) {
      for (const m of text.matchAll(new RegExp(`(?<![\\w.])${callee}\\(`, 'g'))) {
        const before = text.slice(Math.max(0, m.index - 16), m.index);
        if (/function\s+$/.test(before)) continue; // the helper's own definition
        out.push({ file, callee, args: argumentsAt(text, m.index + callee.length) });
      }
    }
  }
  return out;
}

describe('the table of random streams', () => {
  it('numbers each stream once, with what it draws', () => {
    const ids = Object.values(STREAMS).map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [name, s] of Object.entries(STREAMS)) {
      expect(Number.isInteger(s.id) && s.id > 0, name).toBe(true);
      expect(s.draws.length, name).toBeGreaterThan(10);
      expect(STREAM[name as keyof typeof STREAM]).toBe(s.id);
    }
  });

  it('is where every call site takes its stream: no literal stream number anywhere', () => {
    const calls = streamCalls();
    expect(calls.length).toBeGreaterThan(40);
    const unnamed = calls.filter(
      // A stream named from the table, or a helper forwarding its own `stream` parameter.
      (c) => !/\bSTREAM\.\w+/.test(c.args) && !/(^|[\s,(])stream([\s,)]|$)/.test(c.args),
    );
    expect(unnamed.map((c) => `${c.file}: ${c.callee}(${c.args})`)).toEqual([]);
  });

  it('lists every stream drawn from, and draws from every stream listed', () => {
    const used = new Set<string>();
    for (const { text } of sources(SRC)) for (const m of text.matchAll(/\bSTREAM\.(\w+)/g)) used.add(m[1]);
    expect([...used].filter((n) => !(n in STREAMS))).toEqual([]);
    expect(Object.keys(STREAMS).filter((n) => !used.has(n))).toEqual([]);
  });

  it('keeps the draws of two streams apart for the same person', () => {
    const a = streamKey(1, STREAM.care, 42, 2023);
    const b = streamKey(1, STREAM.ambulatory, 42, 2023);
    expect(a).not.toBe(b);
    expect(streamKey(1, STREAM.care, 42, 2023)).toBe(a);
  });
});
