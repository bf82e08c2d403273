// Loading and the VU's context: __VU, __ITER and setup data per VU, init code once per VU, open() and
// k6/experimental/fs, crypto and encoding, the async event loop's end rule, and what is refused at load time.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { count, runScript, workdir } from './support.js';

describe('the VU context', () => {
  it('__VU from 1, __ITER per VU from 0, setup data parsed once per VU, init once per VU', async () => {
    const r = await runScript(`
import exec from 'k6/execution';
const initAt = __VU;
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 3 } } };
export function setup() { return { n: 0 }; }
export default function (data) {
  data.n++;
  console.log(JSON.stringify({ vu: __VU, iter: __ITER, n: data.n, init: initAt, i: exec.vu.iterationInInstance }));
}`);
    expect(r.code).toBe(0);
    const seen = r.logged as { vu: number; iter: number; n: number; init: number; i: number }[];
    expect(seen).toHaveLength(6);
    for (const vu of [1, 2]) {
      const mine = seen.filter((s) => s.vu === vu).sort((a, b) => a.iter - b.iter);
      expect(mine.map((s) => [s.iter, s.n, s.init, s.i])).toEqual([
        [0, 1, vu, 0],
        [1, 2, vu, 1],
        [2, 3, vu, 2],
      ]);
    }
  });

  it('open() reads beside the script; k6/experimental/fs reads, seeks and stats', async () => {
    writeFileSync(join(workdir(), 'data.txt'), 'hello file');
    const r = await runScript(`
import { open as openFile, SeekMode } from 'k6/experimental/fs';
const text = open('./data.txt');
const bin = open('data.txt', 'b');
const f = await openFile('data.txt');
export default async function () {
  const buf = new Uint8Array(4);
  await f.seek(6, SeekMode.Start);
  const n = await f.read(buf);
  const end = await f.read(buf);
  const st = await f.stat();
  console.log(JSON.stringify({ text, bin: bin.byteLength, n, got: String.fromCharCode(...buf), end, st }));
}`);
    expect(r.logged[0]).toEqual({
      text: 'hello file',
      bin: 10,
      n: 4,
      got: 'file',
      end: null,
      st: { name: 'data.txt', size: 10 },
    });
  });

  it('k6/crypto and k6/encoding: hashes, HMAC, binary as ArrayBuffer, strict base64', async () => {
    const r = await runScript(`
import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
export default function () {
  const bin = crypto.sha256('abc', 'binary');
  let strict = 'accepted';
  try { encoding.b64decode('YWJj=', 'std'); } catch (e) { strict = 'refused'; }
  console.log(JSON.stringify({
    sha: crypto.sha256('abc', 'hex'), md5: crypto.md5('abc', 'base64'),
    bin: bin instanceof ArrayBuffer && bin.byteLength,
    hmac: crypto.hmac('sha256', 'key', 'The quick brown fox jumps over the lazy dog', 'hex'),
    inc: crypto.createHash('sha1').update('a').update('bc').digest('hex'),
    b64: encoding.b64encode('hi?', 'rawurl'), dec: encoding.b64decode('aGk_', 'rawurl', 's'), strict,
  }));
}`);
    expect(r.logged[0]).toEqual({
      sha: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      md5: 'kAFQmDzST7DWlj99KOF/cg==',
      bin: 32,
      hmac: 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
      inc: 'a9993e364706816aba3e25717850c26c9cd0d89d',
      b64: 'aGk_',
      dec: 'hi?',
      strict: 'refused',
    });
  });

  it('an iteration lasts until its timers are done, not for a promise nothing backs', async () => {
    const r = await runScript(
      `
import { setTimeout } from 'k6/timers';
export const options = { iterations: 2 };
export default function () {
  if (__ITER === 0) setTimeout(() => console.log(JSON.stringify({ timer: 'fired' })), 300);
  else new Promise(() => {});
}`,
      ['--workers', '1'],
    );
    expect(r.code).toBe(0);
    expect(r.logged).toEqual([{ timer: 'fired' }]);
    const d = r.points('iteration_duration').map((p) => p.data.value);
    expect(d[0]).toBeGreaterThanOrEqual(299);
    expect(d[1]).toBeLessThan(100);
    expect(count(r, 'iterations')).toBe(2);
  });
});

describe('refused at load time, in one line', () => {
  it.each([
    ["import http from 'k6/http';\nexport default function () { http.get('http://127.0.0.1:9/'); }", 'http.get'],
    ["import { sleep } from 'k6';\nexport default function () { sleep(1); }", 'sleep'],
    ["import ws from 'k6/ws';\nexport default function () { ws.connect(); }", 'k6/ws'],
    ["import _ from 'lodash';\nexport default function () { _.noop(); }", 'lodash'],
  ])('%#: %s', async (script, named) => {
    const r = await runScript(script);
    expect(r.code).toBe(107);
    const errors = r.stderr.split('\n').filter((l) => l.includes('"error"'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(named);
  });
});
