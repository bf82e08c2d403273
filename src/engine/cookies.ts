// k6's cookie jar: one per VU, emptied before each iteration unless `noCookiesReset`. It keeps what
// responses set (Set-Cookie, redirects' answers included) and sends back what matches a request's host,
// path and scheme, as RFC 6265 says; `http.cookieJar()` gives the VU's, `new http.CookieJar()` another.

export interface Cookie {
  name: string;
  value: string;
  domain: string;
  /** Without a Domain attribute a cookie goes back to its host only, not to its subdomains. */
  hostOnly: boolean;
  path: string;
  /** Milliseconds since the epoch, or null for a session cookie. */
  expires: number | null;
  secure: boolean;
  httpOnly: boolean;
}

/** A cookie as k6 shows it in `res.cookies` and takes in `jar.set`. */
export interface K6Cookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  http_only: boolean;
  secure: boolean;
  max_age: number;
  expires: number;
}

/** Request cookies of `params.cookies`: a value, or a value that replaces the jar's cookie of that name. */
export type RequestCookies = Record<string, string | { value: string; replace?: boolean }>;

const domainMatches = (host: string, domain: string) => host === domain || host.endsWith('.' + domain);

/** A Domain attribute as the cookie keeps it, or null when `host` may not set it. */
function cookieDomain(host: string, value: string): string | null {
  const d = value.replace(/^\./, '').toLowerCase();
  return domainMatches(host, d) ? d : null;
}

function pathMatches(path: string, cookiePath: string): boolean {
  if (path === cookiePath) return true;
  if (!path.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || path[cookiePath.length] === '/';
}

/** The directory of a request's path: where a cookie set without a Path applies. */
function defaultPath(path: string): string {
  const last = path.lastIndexOf('/');
  return last <= 0 ? '/' : path.slice(0, last);
}

/** One Set-Cookie line, as a response from `url` sets it, or null when it may not (a foreign domain). */
export function parseSetCookie(line: string, url: URL, now: number): Cookie | null {
  const [pair, ...attributes] = line.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return null;
  const host = url.hostname.toLowerCase();
  const c: Cookie = {
    name: pair.slice(0, eq).trim(),
    value: pair.slice(eq + 1).trim(),
    domain: host,
    hostOnly: true,
    path: defaultPath(url.pathname),
    expires: null,
    secure: false,
    httpOnly: false,
  };
  let maxAge: number | null = null;
  for (const a of attributes) {
    const i = a.indexOf('=');
    const key = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
    const value = i < 0 ? '' : a.slice(i + 1).trim();
    if (key === 'domain' && value) {
      const d = cookieDomain(host, value);
      if (d === null) return null;
      c.domain = d;
      c.hostOnly = false;
    } else if (key === 'path' && value.startsWith('/')) c.path = value;
    else if (key === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
    else if (key === 'expires') {
      const t = Date.parse(value);
      if (!Number.isNaN(t)) c.expires = t;
    } else if (key === 'secure') c.secure = true;
    else if (key === 'httponly') c.httpOnly = true;
  }
  if (maxAge !== null) c.expires = maxAge <= 0 ? 0 : now + maxAge * 1000;
  return c;
}

export function asK6Cookie(c: Cookie, now: number): K6Cookie {
  return {
    name: c.name,
    value: c.value,
    domain: c.domain,
    path: c.path,
    http_only: c.httpOnly,
    secure: c.secure,
    max_age: c.expires === null ? 0 : Math.max(0, Math.round((c.expires - now) / 1000)),
    expires: c.expires ?? 0,
  };
}

export class CookieJar {
  private cookies: Cookie[] = [];

  get empty(): boolean {
    return this.cookies.length === 0;
  }

  /** Keeps a cookie, replacing the one of the same name, domain and path; an expired one removes it. */
  keep(c: Cookie, now: number): void {
    this.cookies = this.cookies.filter((o) => !(o.name === c.name && o.domain === c.domain && o.path === c.path));
    if (c.expires === null || c.expires > now) this.cookies.push(c);
  }

  /** The cookies a request to `url` carries: the longer paths first, as RFC 6265 orders them. */
  matching(url: URL, now: number): Cookie[] {
    const host = url.hostname.toLowerCase();
    const secure = url.protocol === 'https:';
    this.cookies = this.cookies.filter((c) => c.expires === null || c.expires > now);
    return this.cookies
      .filter(
        (c) =>
          (c.hostOnly ? host === c.domain : domainMatches(host, c.domain)) &&
          pathMatches(url.pathname || '/', c.path) &&
          (!c.secure || secure),
      )
      .sort((a, b) => b.path.length - a.path.length);
  }

  clearAll(): void {
    this.cookies = [];
  }

  // ---- k6's CookieJar API ----

  /** `{ name: [value, ...] }` of the cookies a request to `url` would carry. */
  cookiesForURL(url: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const c of this.matching(new URL(url), Date.now())) (out[c.name] ??= []).push(c.value);
    return out;
  }

  set(url: string, name: string, value: string, options: Partial<Omit<K6Cookie, 'name' | 'value'>> = {}): void {
    const u = new URL(url);
    const now = Date.now();
    const c = parseSetCookie(`${name}=${value}`, u, now)!;
    if (options.domain) {
      const d = cookieDomain(u.hostname.toLowerCase(), options.domain);
      if (d === null) throw new Error(`cookie domain ${options.domain} does not match ${u.host}`);
      c.domain = d;
      c.hostOnly = false;
    }
    if (options.path) c.path = options.path;
    if (options.secure) c.secure = true;
    if (options.http_only) c.httpOnly = true;
    if (options.max_age) c.expires = now + options.max_age * 1000;
    else if (options.expires) c.expires = options.expires;
    this.keep(c, now);
  }

  clear(url: string): void {
    const hit = new Set(this.matching(new URL(url), Date.now()));
    this.cookies = this.cookies.filter((c) => !hit.has(c));
  }

  delete(url: string, name: string): void {
    const hit = new Set(this.matching(new URL(url), Date.now()).filter((c) => c.name === name));
    this.cookies = this.cookies.filter((c) => !hit.has(c));
  }
}

/** The Cookie header of a request: the jar's matching cookies, then the request's own (which replace the
 * jar's of the same name when they say so); '' when there are none. */
export function cookieHeader(jar: CookieJar, url: URL, own: RequestCookies | undefined): string {
  // Most requests carry none: nothing is built for them.
  if (jar.empty && !own) return '';
  const replaced = new Set<string>();
  const parts: string[] = [];
  for (const [name, v] of Object.entries(own ?? {})) {
    const value = typeof v === 'string' ? v : v.value;
    if (typeof v !== 'string' && v.replace) replaced.add(name);
    parts.push(`${name}=${value}`);
  }
  const fromJar = jar.empty ? [] : jar.matching(url, Date.now()).filter((c) => !replaced.has(c.name));
  return [...fromJar.map((c) => `${c.name}=${c.value}`), ...parts].join('; ');
}
