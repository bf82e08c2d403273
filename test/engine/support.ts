// The conformance suite's bench: a local HTTP(S) server of known behaviour (delay, size, status from the
// query string), scripts written into a scratch folder, and the built engine run on them as a user runs it.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll } from 'vitest';
import { scratch } from '../support/scratch.js';

export const CLI = resolve(__dirname, '..', '..', 'dist', 'src', 'engine', 'cli.js');

/** Answers after ?delay=ms with ?size=n bytes (or the URL) and ?status=code, sent to ?location=URL, setting
 * each ?cookie=Set-Cookie; says the method, the bytes of the body and the cookies it got (x-method, x-got,
 * x-cookie); counts what it received. */
function handler(received: { bytes: number; requests: number }) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://x');
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      received.bytes += bytes;
      received.requests++;
      const delay = Number(u.searchParams.get('delay') ?? 0);
      const size = u.searchParams.get('size');
      const status = Number(u.searchParams.get('status') ?? 200);
      const answer = () => {
        res.statusCode = status;
        res.setHeader('x-got', String(bytes));
        res.setHeader('x-method', req.method ?? '');
        const location = u.searchParams.get('location');
        if (location) res.setHeader('location', location);
        res.setHeader('x-cookie', req.headers.cookie ?? '');
        const cookies = u.searchParams.getAll('cookie');
        if (cookies.length) res.setHeader('set-cookie', cookies);
        res.end(size === null ? `ok ${u.pathname}` : Buffer.alloc(Number(size), 97));
      };
      // A timer counts from the event loop's cached clock, which a busy loop leaves behind the real one, so
      // it can fire a few ms early: the delay is counted from the request's arrival and waited out whole.
      const due = performance.now() + delay;
      const wait = () => {
        const left = due - performance.now();
        if (left > 0) setTimeout(wait, Math.ceil(left));
        else answer();
      };
      wait();
    });
  };
}

export interface TestServer {
  url: string;
  received: { bytes: number; requests: number };
}

async function listen(server: Server, scheme: string, received: TestServer['received']): Promise<TestServer> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  afterAll(() => {
    server.closeAllConnections?.();
    server.close();
  });
  return { url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

export function httpServer(): Promise<TestServer> {
  const received = { bytes: 0, requests: 0 };
  return listen(createHttp({ keepAliveTimeout: 60_000 }, handler(received)), 'http', received);
}

/** A CA and a certificate it signed for 127.0.0.1, made by openssl in `dir`. */
export function makeCa(dir: string): { ca: string; cert: string; key: string } {
  const f = (n: string) => join(dir, n);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  run(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem')].concat([
      '-days',
      '2',
      '-subj',
      '/CN=engine test CA',
    ]),
  );
  run([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('srv.key'),
    '-out',
    f('srv.csr'),
    '-subj',
    '/CN=127.0.0.1',
  ]);
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  run(
    ['x509', '-req', '-in', f('srv.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial'].concat([
      '-out',
      f('srv.pem'),
      '-days',
      '2',
      '-extfile',
      f('ext.cnf'),
    ]),
  );
  return { ca: f('ca.pem'), cert: f('srv.pem'), key: f('srv.key') };
}

export function httpsServer(cert: string, key: string): Promise<TestServer> {
  const received = { bytes: 0, requests: 0 };
  const server = createHttps({ cert: readFileSync(cert), key: readFileSync(key) }, handler(received));
  return listen(server, 'https', received);
}

export interface Point {
  metric: string;
  type: string;
  data: { time: string; value: number; tags: Record<string, string>; name?: string };
}

export interface EngineRun {
  code: number;
  stdout: string;
  stderr: string;
  /** --summary-export's content. */
  summary: { metrics: Record<string, Record<string, number | Record<string, boolean>>> } & Record<string, unknown>;
  /** Every line of --out json. */
  lines: Point[];
  points(metric: string): Point[];
  /** console.log lines that hold JSON, parsed. */
  logged: Record<string, unknown>[];
  seconds: number;
}

let n = 0;
const dir = scratch('engine');

export function workdir() {
  return dir;
}

/** Writes `script` and runs the engine on it with `flags`; resolves once it exited. */
export async function runScript(
  script: string,
  flags: string[] = [],
  env: Record<string, string> = {},
): Promise<EngineRun> {
  const id = ++n;
  const file = join(dir, `script${id}.ts`);
  const out = join(dir, `out${id}.json.gz`);
  const exp = join(dir, `summary${id}.json`);
  writeFileSync(file, script);
  const args = [CLI, 'run', '--quiet', '--log-format', 'json', '--out', `json=${out}`, '--summary-export', exp];
  const started = Date.now();
  const child = spawn(process.execPath, [...args, ...flags, file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
  const lines: Point[] = existsSync(out)
    ? gunzipSync(readFileSync(out))
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Point)
    : [];
  const logged = stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string; source?: string })
    .filter((l) => l.source === 'console' && l.msg.startsWith('{'))
    .map((l) => JSON.parse(l.msg) as Record<string, unknown>);
  return {
    code,
    stdout,
    stderr,
    summary: existsSync(exp) ? JSON.parse(readFileSync(exp, 'utf8')) : { metrics: {} },
    lines,
    points: (m) => lines.filter((l) => l.type === 'Point' && l.metric === m),
    logged,
    seconds: (Date.now() - started) / 1000,
  };
}

export const count = (r: EngineRun, metric: string) => Number(r.summary.metrics[metric]?.count ?? 0);
