// k6/http on a real client against servers of known behaviour: TTFB on an injected delay, the duration
// identity, bytes on the wire, TLS trusting SSL_CERT_FILE, the `name` tag, response types and error codes.
import { beforeAll, describe, expect, it } from 'vitest';
import { count, httpServer, httpsServer, makeCa, runScript, workdir, type TestServer } from './support.js';

let plain: TestServer;
let tls: TestServer;
let ca: string;
beforeAll(async () => {
  plain = await httpServer();
  const made = makeCa(workdir());
  ca = made.ca;
  tls = await httpsServer(made.cert, made.key);
});

const once = (body: string, options = '{ iterations: 1 }') => `
import http from 'k6/http';
export const options = ${options};
export default async function () {
${body}
}`;

describe('timings', () => {
  it('waiting is the time to first byte of an injected delay; duration = sending + waiting + receiving', async () => {
    const r = await runScript(
      once(`for (let i = 0; i < 5; i++) await http.asyncRequest('GET', __ENV.URL + '/d?delay=200');`),
      [],
      { URL: plain.url },
    );
    expect(r.code).toBe(0);
    const waiting = r.points('http_req_waiting').map((p) => p.data.value);
    expect(waiting).toHaveLength(5);
    for (const w of waiting) {
      expect(w).toBeGreaterThanOrEqual(199);
      expect(w).toBeLessThan(400);
    }
    expect([...waiting].sort((a, b) => a - b)[2]).toBeLessThan(220); // within 10% at the median
    const part = (m: string) => r.points(m).map((p) => p.data.value);
    const [d, s, w, rc] = ['duration', 'sending', 'waiting', 'receiving'].map((m) => part(`http_req_${m}`));
    d.forEach((x, i) => expect(x).toBeCloseTo(s[i] + w[i] + rc[i], 9));
    // Only the first request opened a connection (keep-alive).
    expect(part('http_req_connecting').filter((x) => x > 0)).toHaveLength(1);
  });
});

describe('bytes', () => {
  it('data_sent and data_received count what crossed the wire, headers included', async () => {
    const r = await runScript(
      once(`
  await http.asyncRequest('PUT', __ENV.URL + '/up', new Uint8Array(100000).buffer, { responseType: 'none' });
  await http.asyncRequest('GET', __ENV.URL + '/down?size=200000', null, { responseType: 'none' });`),
      [],
      { URL: plain.url },
    );
    const sent = count(r, 'data_sent');
    const received = count(r, 'data_received');
    expect(sent).toBeGreaterThan(100000);
    expect(sent).toBeLessThan(101000);
    expect(received).toBeGreaterThan(200000);
    expect(received).toBeLessThan(201000);
    for (const p of r.points('data_sent')) expect(p.data.tags.url).toBeUndefined();
  });
});

describe('TLS', () => {
  const script = once(`
  const r = await http.asyncRequest('GET', __ENV.URL + '/secure');
  const hs = r.timings.tls_handshaking;
  console.log(JSON.stringify({ status: r.status, code: r.error_code, tls: r.tls_version, hs }));`);

  it('trusts the roots SSL_CERT_FILE names, as Go does, and refuses an unknown authority (1310)', async () => {
    const trusted = await runScript(script, [], { URL: tls.url, SSL_CERT_FILE: ca });
    expect(trusted.logged[0]).toMatchObject({ status: 200, code: 0 });
    expect(trusted.logged[0].hs).toBeGreaterThan(0);
    expect(String(trusted.logged[0].tls)).toMatch(/^tls1\.[23]$/);
    const untrusted = await runScript(script, [], { URL: tls.url, SSL_CERT_FILE: '/dev/null' });
    expect(untrusted.logged[0]).toMatchObject({ status: 0, code: 1310 });
    expect(untrusted.points('http_req_failed')[0].data.value).toBe(1);
  });
});

describe('requests', () => {
  it('a name tag replaces url; expected_response and http_req_failed follow the callback', async () => {
    const r = await runScript(
      once(`
  await http.asyncRequest('GET', __ENV.URL + '/o/1?x=1', null, { tags: { name: 'Object' } });
  await http.asyncRequest('GET', __ENV.URL + '/o/2?status=404', null, { tags: { name: 'Object' } });
  await http.asyncRequest('GET', __ENV.URL + '/o/3?status=404', null,
    { responseCallback: http.expectedStatuses(404, { min: 200, max: 204 }) });
  await http.asyncRequest('GET', http.url\`\${__ENV.URL}/t/\${7}\`);`),
      [],
      { URL: plain.url },
    );
    const reqs = r.points('http_reqs').map((p) => p.data.tags);
    expect(reqs[0]).toMatchObject({
      name: 'Object',
      url: 'Object',
      status: '200',
      method: 'GET',
      expected_response: 'true',
    });
    expect(reqs[1]).toMatchObject({ status: '404', error_code: '1404', expected_response: 'false' });
    expect(reqs[2]).toMatchObject({ status: '404', expected_response: 'true', url: `${plain.url}/o/3?status=404` });
    expect(reqs[3]).toMatchObject({ name: '${}/t/${}', url: '${}/t/${}' });
    expect(r.points('http_req_failed').map((p) => p.data.value)).toEqual([0, 1, 0, 0]);
    expect(count(r, 'http_reqs')).toBe(4);
  });

  it('responseType text, binary and none; discardResponseBodies changes the default', async () => {
    const body = `
  const t = await http.asyncRequest('GET', __ENV.URL + '/b?size=5');
  const b = await http.asyncRequest('GET', __ENV.URL + '/b?size=7', null, { responseType: 'binary' });
  const n = await http.asyncRequest('GET', __ENV.URL + '/b?size=9', null, { responseType: 'none' });
  console.log(JSON.stringify({ t: t.body, b: b.body instanceof ArrayBuffer ? b.body.byteLength : -1, n: n.body,
    h: t.headers['Content-Length'] }));`;
    const r = await runScript(once(body), [], { URL: plain.url });
    expect(r.logged[0]).toEqual({ t: 'aaaaa', b: 7, n: null, h: '5' });
    const d = await runScript(once(body, '{ iterations: 1, discardResponseBodies: true }'), [], { URL: plain.url });
    expect(d.logged[0]).toMatchObject({ t: null, b: 7, n: null });
  });

  it('redirects are followed as k6 follows them: a request a hop, 303 turns to GET, 307 keeps the body', async () => {
    const r = await runScript(
      once(
        `
  const to = (path, status, location) => path + '?status=' + status + '&location=' + encodeURIComponent(location);
  const say = (x) =>
    ({ s: x.status, url: x.url.slice(__ENV.URL.length), m: x.headers['X-Method'], got: x.headers['X-Got'] });
  const out = [];
  out.push(say(await http.asyncRequest('GET', __ENV.URL + to('/a', 302, '/b'))));
  out.push(say(await http.asyncRequest('POST', __ENV.URL + to('/c', 303, '/d'), 'twelve bytes')));
  out.push(say(await http.asyncRequest('PUT', __ENV.URL + to('/e', 307, __ENV.URL + '/f'), 'twelve bytes')));
  out.push(say(await http.asyncRequest('GET', __ENV.URL + to('/g', 301, '/h'), null, { redirects: 0 })));
  out.push(say(await http.asyncRequest('GET', __ENV.URL + to('/m', 302, 'http://[no-url'))));
  // A chain of three redirects where the script allows two: the third redirect is the answer.
  out.push(say(await http.asyncRequest('GET', __ENV.URL + to('/i', 302, to('/j', 302, to('/k', 302, '/l'))))));
  console.log(JSON.stringify({ out }));`,
        '{ iterations: 1, maxRedirects: 2 }',
      ),
      [],
      { URL: plain.url },
    );
    expect(r.code, r.stderr).toBe(0);
    expect((r.logged[0] as { out: unknown }).out).toEqual([
      { s: 200, url: '/b', m: 'GET', got: '0' },
      { s: 200, url: '/d', m: 'GET', got: '0' },
      { s: 200, url: '/f', m: 'PUT', got: '12' },
      { s: 301, url: expect.stringMatching(/^\/g\?/), m: 'GET', got: '0' },
      { s: 302, url: expect.stringMatching(/^\/m\?/), m: 'GET', got: '0' },
      { s: 302, url: expect.stringMatching(/^\/k\?/), m: 'GET', got: '0' },
    ]);
    // One sample a hop, each with its own status and URL.
    const hops = r.points('http_reqs').map((p) => `${p.data.tags.method} ${p.data.tags.status}`);
    expect(hops).toEqual(
      ['GET 302', 'GET 200', 'POST 303', 'GET 200', 'PUT 307', 'PUT 200', 'GET 301', 'GET 302'].concat([
        'GET 302',
        'GET 302',
        'GET 302',
      ]),
    );
  });

  it("past k6's default of 10 redirects, the redirection is the answer, with a warning", async () => {
    const r = await runScript(
      once(`
  let url = '/end';
  for (let i = 0; i < 12; i++) url = '/r' + i + '?status=302&location=' + encodeURIComponent(url);
  const x = await http.asyncRequest('GET', __ENV.URL + url);
  console.log(JSON.stringify({ s: x.status }));`),
      [],
      { URL: plain.url },
    );
    expect(r.logged[0]).toEqual({ s: 302 });
    expect(count(r, 'http_reqs')).toBe(11);
    expect(r.stderr).toMatch(/Stopped after 10 redirects/);
  });

  it("cookies: the VU's jar keeps what answers set and sends it back by path; reset each iteration", async () => {
    const script = (options: string) =>
      once(
        `
  const u = (path, ...cookies) =>
    __ENV.URL + path + '?' + cookies.map((c) => 'cookie=' + encodeURIComponent(c)).join('&');
  const sent = async (url, params) => (await http.asyncRequest('GET', url, null, params)).headers['X-Cookie'];
  const out = { first: await sent(u('/start')) };
  const login = await http.asyncRequest('GET', u('/login', 'sid=abc; Path=/', 'api=k; Path=/api', 'gone=1; Path=/'));
  out.set = login.cookies.sid[0].value;
  out.page = await sent(u('/page'));
  out.api = await sent(u('/api/x'));
  out.own = await sent(u('/page'), { cookies: { extra: 'x' } });
  out.replaced = await sent(u('/page'), { cookies: { sid: { value: 'new', replace: true } } });
  await sent(u('/logout', 'gone=; Max-Age=0; Path=/'));
  out.after = await sent(u('/page'));
  const hop = u('/r', 'hop=1; Path=/') + '&status=302&location=' + encodeURIComponent('/next');
  out.redirected = await sent(hop);
  out.jar = http.cookieJar().cookiesForURL(__ENV.URL + '/api/');
  const other = new http.CookieJar();
  other.set(__ENV.URL, 'mine', 'v');
  out.otherJar = await sent(u('/page'), { jar: other });
  console.log(JSON.stringify(out));`,
        options,
      );
    const r = await runScript(script('{ vus: 1, iterations: 2 }'), [], { URL: plain.url });
    expect(r.code, r.stderr).toBe(0);
    const expected = {
      first: '',
      set: 'abc',
      page: 'sid=abc; gone=1',
      api: 'api=k; sid=abc; gone=1',
      own: 'sid=abc; gone=1; extra=x',
      replaced: 'gone=1; sid=new',
      after: 'sid=abc',
      redirected: 'sid=abc; hop=1',
      jar: { api: ['k'], sid: ['abc'], hop: ['1'] },
      otherJar: 'mine=v',
    };
    // The second iteration starts with an empty jar, as k6's does.
    expect(r.logged).toEqual([expected, expected]);
    const kept = await runScript(script('{ vus: 1, iterations: 2, noCookiesReset: true }'), [], { URL: plain.url });
    expect(kept.logged[1]).toMatchObject({ first: 'sid=abc; hop=1' });
  });

  it('a refused connection is status 0 with error_code 1212, not an exception', async () => {
    const r = await runScript(
      once(`const x = await http.asyncRequest('GET', 'http://127.0.0.1:9/');
  console.log(JSON.stringify({ s: x.status, c: x.error_code }));`),
    );
    expect(r.logged[0]).toEqual({ s: 0, c: 1212 });
    expect(r.points('http_reqs')[0].data.tags).toMatchObject({ status: '0', error_code: '1212' });
  });
});
