// k6/http on node:http and node:https: one keep-alive pool per VU (never shared between VUs), TLS that
// trusts SSL_CERT_FILE / SSL_CERT_DIR as Go does, k6's timings from the socket's events, its tags,
// http_req_failed through the response callback, the error codes of network failures, and redirects
// followed hop by hop as Go's client (k6's) follows them.
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { asK6Cookie, cookieHeader, CookieJar, parseSetCookie, type K6Cookie, type RequestCookies } from './cookies.js';
import { parseDuration } from './duration.js';
import { redirectLimit } from './options.js';
import type { Tags } from './metrics.js';
import { epochOf, type Shared } from './vu-context.js';

export interface ResponseCallback {
  readonly __expected: (status: number) => boolean;
}

/** The answers a client follows to their Location, and how many hops by default (k6's maxRedirects). */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_REDIRECTS = 10;

const DEFAULT_CALLBACK: ResponseCallback = { __expected: (s) => s >= 200 && s < 400 };

export function expectedStatuses(...args: (number | { min: number; max: number })[]): ResponseCallback {
  for (const a of args)
    if (typeof a !== 'number' && !(a && typeof a.min === 'number' && typeof a.max === 'number'))
      throw new Error('expectedStatuses: arguments must be integers or {min, max} objects');
  return {
    __expected: (s) => args.some((a) => (typeof a === 'number' ? s === a : s >= a.min && s <= a.max)),
  };
}

/** http.url`...${x}...`: the URL, and a name with each hole written ${}. */
export class TemplateUrl {
  constructor(
    readonly url: string,
    readonly name: string,
  ) {}
  toString() {
    return this.url;
  }
}
export function templateUrl(strings: TemplateStringsArray, ...values: unknown[]): TemplateUrl {
  let url = strings[0];
  let name = strings[0];
  for (let i = 0; i < values.length; i++) {
    url += String(values[i]) + strings[i + 1];
    name += '${}' + strings[i + 1];
  }
  return new TemplateUrl(url, name);
}

export interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  timeout?: string | number;
  responseType?: 'text' | 'binary' | 'none';
  responseCallback?: ResponseCallback | null;
  redirects?: number;
  cookies?: RequestCookies;
  jar?: CookieJar;
}

export interface Timings {
  duration: number;
  blocked: number;
  connecting: number;
  tls_handshaking: number;
  sending: number;
  waiting: number;
  receiving: number;
}

export class Response {
  status = 0;
  status_text = '';
  proto = 'HTTP/1.1';
  url = '';
  headers: Record<string, string> = {};
  body: string | ArrayBuffer | null = null;
  cookies: Record<string, K6Cookie[]> = {};
  error = '';
  error_code = 0;
  remote_ip = '';
  remote_port = 0;
  tls_version = '';
  tls_cipher_suite = '';
  timings: Timings = {
    duration: 0,
    blocked: 0,
    connecting: 0,
    tls_handshaking: 0,
    sending: 0,
    waiting: 0,
    receiving: 0,
  };
  request: { method: string; url: string; headers: Record<string, string[]>; body: string } = {
    method: '',
    url: '',
    headers: {},
    body: '',
  };
  json(selector?: string): unknown {
    if (typeof this.body !== 'string') throw new Error('json(): the response has no text body');
    const v = JSON.parse(this.body) as unknown;
    if (!selector) return v;
    return selector.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], v);
  }
  html(): never {
    throw new Error('Response.html() is not supported by this engine');
  }
}

/** Go's canonical header key: each dash-separated word capitalised. */
export function canonicalKey(k: string): string {
  return k.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

// A server sends the same dozen header names on every response: their canonical form is computed once.
// Bounded, so that a server inventing names cannot grow it without end.
const canonicalKeys = new Map<string, string>();
function canonicalOf(raw: string): string {
  let k = canonicalKeys.get(raw);
  if (k === undefined) {
    k = canonicalKey(raw.toLowerCase());
    if (canonicalKeys.size < 1024) canonicalKeys.set(raw, k);
  }
  return k;
}

const SENT = Symbol('sent');
const READ = Symbol('read');
type CountedSocket = Socket & { [SENT]?: number; [READ]?: number };

const HTTP_METRICS = [
  'http_reqs',
  'http_req_duration',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
];
const HTTP_METRICS_FAILED = [...HTTP_METRICS, 'http_req_failed'];

/** k6's error code and text of a network failure. */
export function networkError(e: NodeJS.ErrnoException, timedOut: boolean): [number, string] {
  if (timedOut) return [1050, 'request timeout'];
  const code = e.code ?? '';
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return [1101, `lookup: no such host (${e.message})`];
    case 'ECONNREFUSED':
      return [1212, `dial: connection refused (${e.message})`];
    case 'ETIMEDOUT':
      return [1211, `dial: i/o timeout (${e.message})`];
    case 'ECONNRESET':
    case 'EPIPE':
      return [1220, `read: connection reset by peer (${e.message})`];
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_UNTRUSTED':
      return [1310, `x509: certificate signed by unknown authority (${code})`];
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return [1311, `x509: certificate is not valid for this host (${e.message})`];
  }
  if (code.startsWith('ERR_TLS') || code.startsWith('CERT_')) return [1300, `tls: ${e.message}`];
  return [1000, e.message];
}

function bodyBuffer(body: unknown): Buffer | null {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'object')
    return Buffer.from(new URLSearchParams(body as Record<string, string>).toString(), 'utf8');
  return Buffer.from(String(body), 'utf8');
}

const masked = (u: URL) => (u.username || u.password ? u.href.replace(/\/\/[^@/]*@/, '//****:****@') : u.href);

/** What a client needs of its VU: its tags, its loop, whether it is still in the init context. */
export interface HttpOwner {
  readonly initPhase: boolean;
  readonly shared: Shared;
  tags(): Tags;
  begin(): number;
  end(gen: number): boolean;
}

// One TLS context per set of roots and thread: parsing the roots for every connection of every VU would
// cost more than the handshake. Threads make theirs before the test starts (as k6 loads its roots at
// start), so that no VU's first request waits for it.
const contexts = new Map<string[] | undefined, tls.SecureContext>();
export function trustContext(ca: string[] | undefined): tls.SecureContext {
  let c = contexts.get(ca);
  if (!c) contexts.set(ca, (c = tls.createSecureContext(ca ? { ca } : {})));
  return c;
}

export class HttpClient {
  private httpAgent: http.Agent | null = null;
  private httpsAgent: https.Agent | null = null;
  private readonly inflight = new Set<ClientRequest>();
  private sent = 0;
  private received = 0;
  responseCallback: ResponseCallback | null = DEFAULT_CALLBACK;
  /** The VU's cookies (http.cookieJar()). */
  readonly jar = new CookieJar();

  constructor(private readonly vu: HttpOwner) {}

  takeBytes() {
    const r = { sent: this.sent, received: this.received };
    this.sent = 0;
    this.received = 0;
    return r;
  }

  dropInFlight() {
    for (const r of this.inflight) r.destroy();
    this.inflight.clear();
  }

  private agent(tls: boolean): http.Agent {
    if (!tls) return (this.httpAgent ??= new http.Agent({ keepAlive: true, maxSockets: Infinity, scheduling: 'lifo' }));
    const o = this.vu.shared.options;
    return (this.httpsAgent ??= new https.Agent({
      keepAlive: true,
      maxSockets: Infinity,
      scheduling: 'lifo',
      secureContext: trustContext(this.vu.shared.ca),
      rejectUnauthorized: !o?.insecureSkipTLSVerify,
    }));
  }

  private count(s: CountedSocket) {
    const w = s.bytesWritten;
    const r = s.bytesRead;
    this.sent += w - (s[SENT] ?? 0);
    this.received += r - (s[READ] ?? 0);
    s[SENT] = w;
    s[READ] = r;
  }

  request(method: string, target: string | TemplateUrl, body: unknown, params: Params | null | undefined) {
    const vu = this.vu;
    if (vu.initPhase) return Promise.reject(new Error('making HTTP requests in the init context is not supported'));
    // Bad arguments reject before anything is registered with the VU's loop.
    return new Promise<Response>((resolve, reject) => {
      const p = params ?? {};
      const explicit = p.redirects ?? vu.shared.options?.maxRedirects;
      const set = explicit !== undefined && explicit !== null;
      const redirects = { left: set ? redirectLimit(explicit, 'redirects') : DEFAULT_REDIRECTS, set };
      this.send(method, target, body, p, resolve, reject, redirects);
    });
  }

  /**
   * The request a redirect answer leads to, as Go's client makes it (k6's): 303, and 301 or 302 after
   * anything but GET or HEAD, become a GET without a body; 307 and 308 repeat the method and the body.
   * Credentials do not follow to another host. Null when the answer is not a redirect to follow.
   */
  private static nextHop(
    res: Response,
    method: string,
    body: unknown,
    params: Params,
  ): { method: string; url: URL; body: unknown; params: Params } | null {
    const location = res.headers.Location;
    if (!REDIRECTS.has(res.status) || !location) return null;
    const from = new URL(res.url);
    // A Location that is no URL ends the chain: the redirection is the answer.
    if (!URL.canParse(location, from)) return null;
    const url = new URL(location, from);
    const keep = res.status === 307 || res.status === 308 || method === 'GET' || method === 'HEAD';
    const headers = { ...params.headers };
    for (const k of Object.keys(headers)) {
      const lower = k.toLowerCase();
      if (!keep && (lower === 'content-type' || lower === 'content-length')) delete headers[k];
      if (url.host !== from.host && (lower === 'authorization' || lower === 'cookie' || lower === 'www-authenticate'))
        delete headers[k];
    }
    return { method: keep ? method : 'GET', url, body: keep ? body : null, params: { ...params, headers } };
  }

  private send(
    method: string,
    target: string | TemplateUrl,
    body: unknown,
    params: Params,
    resolve: (r: Response) => void,
    reject: (e: unknown) => void,
    /** Redirects still to follow, and whether the script set their number (else a warning when they run out). */
    redirects: { left: number; set: boolean },
  ) {
    const vu = this.vu;
    const options = vu.shared.options;
    const u = new URL(String(target));
    const tls = u.protocol === 'https:';
    const tags: Tags = vu.tags();
    if (params.tags) Object.assign(tags, params.tags);
    const name = params.tags?.name ?? (target instanceof TemplateUrl ? target.name : undefined);
    const url = masked(u);
    tags.method = method;
    tags.url = name ?? url;
    tags.name = name ?? url;
    tags.proto = 'HTTP/1.1';
    const responseType = params.responseType ?? (options?.discardResponseBodies ? 'none' : 'text');
    const callback = params.responseCallback === undefined ? this.responseCallback : params.responseCallback;
    const timeoutMs = params.timeout === undefined ? 60_000 : parseDuration(params.timeout, 'timeout');
    const buf = bodyBuffer(body);
    const headers: Record<string, string | number> = {};
    let ua = false;
    if (params.headers)
      for (const k in params.headers) {
        headers[k] = params.headers[k];
        if (k.length === 10 && k.toLowerCase() === 'user-agent') ua = true;
      }
    if (!ua) headers['User-Agent'] = options?.userAgent ?? 'sndsbench-engine/1';
    const jar = params.jar ?? this.jar;
    const cookies = cookieHeader(jar, u, params.cookies);
    if (cookies) {
      const named = Object.keys(headers).find((k) => k.toLowerCase() === 'cookie');
      if (named) headers[named] = `${headers[named]}; ${cookies}`;
      else headers.Cookie = cookies;
    }
    if (buf) headers['Content-Length'] = buf.length;

    const gen = vu.begin();
    const t0 = performance.now();
    let tConn = 0;
    let tConnectStart = 0;
    let tConnected = 0;
    let tSecured = 0;
    let tWritten = 0;
    let tFirst = 0;
    let timedOut = false;
    let socket: CountedSocket | null = null;
    const res = new Response();
    res.url = u.href;
    res.request = { method, url: u.href, headers: {}, body: typeof body === 'string' ? body : '' };

    const req = (tls ? https : http).request({
      method,
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: u.port || (tls ? 443 : 80),
      path: u.pathname + u.search,
      headers,
      agent: this.agent(tls),
      servername: tls && !/^[\d.]+$|:/.test(u.hostname) ? u.hostname : undefined,
    });
    this.inflight.add(req);
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new Error('request timeout'));
    }, timeoutMs);

    let finished = false;
    const finish = (error: [number, string] | null) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      this.inflight.delete(req);
      if (socket) this.count(socket);
      if (!vu.end(gen)) return; // interrupted: the sample is dropped and the promise never settles
      const tEnd = performance.now();
      if (!tConn) tConn = tEnd;
      if (!tWritten) tWritten = tEnd;
      const blocked = tConn - t0;
      const connecting = tConnected ? tConnected - tConnectStart : 0;
      const tlsTime = tSecured ? tSecured - tConnected : 0;
      const sending = Math.max(0, tWritten - tConn);
      const waiting = tFirst ? Math.max(0, tFirst - tWritten) : Math.max(0, tEnd - tWritten);
      const receiving = tFirst ? tEnd - tFirst : 0;
      const duration = sending + waiting + receiving;
      res.timings = { duration, blocked, connecting, tls_handshaking: tlsTime, sending, waiting, receiving };
      tags.status = String(res.status);
      if (tls && res.tls_version) tags.tls_version = res.tls_version;
      if (error) {
        res.error_code = error[0];
        res.error = error[1];
        tags.error_code = String(error[0]);
        tags.error = error[1];
      } else if (res.status >= 400) {
        res.error_code = 1000 + res.status;
        tags.error_code = String(res.error_code);
      }
      const values = [1, duration, blocked, connecting, tlsTime, sending, waiting, receiving];
      if (callback) {
        const expected = !error && callback.__expected(res.status);
        tags.expected_response = String(expected);
        values.push(expected ? 0 : 1);
        vu.shared.sink.pushMany(HTTP_METRICS_FAILED, tags, values, epochOf(tEnd));
      } else vu.shared.sink.pushMany(HTTP_METRICS, tags, values, epochOf(tEnd));
      if (error) {
        vu.shared.log('warning', 'Request Failed', { error: error[1] });
        if (options?.throw) return reject(new Error(error[1]));
      }
      // Each hop of a redirect is a request of its own, with its own samples; the last one answers.
      const next = error ? null : HttpClient.nextHop(res, method, body, params);
      if (next) {
        const { left, set } = redirects;
        if (left > 0)
          return this.send(next.method, next.url.href, next.body, next.params, resolve, reject, {
            left: left - 1,
            set,
          });
        if (!set)
          vu.shared.log('warning', `Stopped after ${DEFAULT_REDIRECTS} redirects and returned the redirection`, {
            url: res.url,
          });
      }
      resolve(res);
    };

    req.on('socket', (s: CountedSocket) => {
      socket = s;
      if (!s.connecting) {
        tConn = performance.now();
        return;
      }
      tConnectStart = performance.now();
      s.once('connect', () => {
        tConnected = performance.now();
        if (!tls) tConn = tConnected;
      });
      if (tls) s.once('secureConnect', () => (tConn = tSecured = performance.now()));
    });
    req.on('finish', () => (tWritten = performance.now()));
    req.on('error', (e: NodeJS.ErrnoException) => finish(networkError(e, timedOut)));
    req.on('response', (m: IncomingMessage) => {
      tFirst = performance.now();
      res.status = m.statusCode ?? 0;
      res.status_text = `${res.status} ${m.statusMessage ?? ''}`.trim();
      res.proto = `HTTP/${m.httpVersion}`;
      const raw = m.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) {
        const k = canonicalOf(raw[i]);
        res.headers[k] = res.headers[k] === undefined ? raw[i + 1] : `${res.headers[k]}, ${raw[i + 1]}`;
      }
      // What the answer sets goes to the jar, and into res.cookies as k6 shows it.
      const set = m.headers['set-cookie'];
      if (set)
        for (const line of set) {
          const at = Date.now();
          const c = parseSetCookie(line, u, at);
          if (!c) continue;
          jar.keep(c, at);
          (res.cookies[c.name] ??= []).push(asK6Cookie(c, at));
        }
      const s = m.socket as (Socket & { getProtocol?: () => string | null }) | null;
      if (s) {
        res.remote_ip = s.remoteAddress ?? '';
        res.remote_port = s.remotePort ?? 0;
        const p = s.getProtocol?.();
        if (p) res.tls_version = p.replace(/^TLSv/, 'tls');
      }
      if (responseType === 'none' || method === 'HEAD') {
        m.on('end', () => finish(null));
        m.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      m.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
      });
      m.on('end', () => {
        if (responseType === 'binary') {
          const out = Buffer.allocUnsafeSlow(size);
          let at = 0;
          for (const c of chunks) {
            c.copy(out, at);
            at += c.length;
          }
          res.body = out.buffer as ArrayBuffer;
        } else res.body = Buffer.concat(chunks, size).toString('utf8');
        finish(null);
      });
      m.on('error', (e: NodeJS.ErrnoException) => finish(networkError(e, timedOut)));
    });
    req.end(buf ?? undefined);
  }
}
