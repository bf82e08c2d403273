// A provider's published request caps, enforced in the lab by HAProxy (`lab up --caps PROFILE`): one
// stick table per kind of request (all, writes, reads), keyed by bucket, counts the requests each bucket
// accepted in the last second; a request over a cap is answered as the provider answers it, 503 with
// S3's SlowDown error or 429 Too Many Requests (with Retry-After), and never reaches the host. Only
// accepted requests are counted, so a client that backs off gets exactly the cap.
import { UsageError } from '../util/errors.js';
import { requestCaps, type RequestCaps } from './limits.js';
import type { HostProfile } from './profile.js';

/** The caps the lab enforces: a profile's, times `scale` (a rehearsal scaled down to stay short). */
export interface LabCaps {
  profile: string;
  scale: number;
  caps: RequestCaps;
  status: 503 | 429;
}

export function labCaps(p: HostProfile, scale: number): LabCaps {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new UsageError(`--caps-scale must be a positive number`);
  const published = requestCaps(p.limits);
  if (published.write === null && published.read === null)
    throw new UsageError(`--caps ${p.name}: its profile publishes no request cap per bucket`);
  const scaled = (v: number | null) => (v === null ? null : Math.max(1, Math.round(v * scale)));
  return {
    profile: p.name,
    scale,
    caps: { write: scaled(published.write), read: scaled(published.read), all: scaled(published.all) },
    status: p.limits.over_cap_status === 429 ? 429 : 503,
  };
}

/** One line for `lab up` and `lab status`. */
export function describeCaps(c: LabCaps): string {
  // A kind's cap equal to the cap on all requests is not a cap of its own.
  const part = (v: number | null, what: string) =>
    v === null || (what !== 'requests' && v === c.caps.all) ? [] : [`${v} ${what}/s`];
  const caps = [...part(c.caps.all, 'requests'), ...part(c.caps.write, 'writes'), ...part(c.caps.read, 'reads')];
  const answer = c.status === 503 ? '503 SlowDown' : '429 Too Many Requests';
  const scale = c.scale === 1 ? '' : ` ×${c.scale}`;
  return `${c.profile}'s caps${scale}: ${caps.join(', ')} per bucket, answered ${answer}`;
}

const SLOWDOWN =
  '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>' +
  '<Message>Please reduce your request rate.</Message></Error>';
const TOO_MANY =
  '<?xml version="1.0" encoding="UTF-8"?><Error><Code>TooManyRequests</Code>' +
  '<Message>Too many requests: retry after the time given in Retry-After.</Message></Error>';

/** The HAProxy frontend (and its stick tables) answering on `port` in front of `backend`, with the caps. */
export function capsConfig(c: LabCaps, port: number, certificate: string, backend: string): string {
  // Requests a bucket accepted per second, by kind: the rate of its first general-purpose counter.
  const kinds = [
    ['all', c.caps.all, ''],
    ['write', c.caps.write, 'is_write'],
    ['read', c.caps.read, 'is_read'],
  ] as const;
  const iff = (acl: string) => (acl ? ` if ${acl}` : '');
  // A kind's cap equal to the cap on all requests adds nothing: the latter binds first.
  const used = kinds.filter(([kind, cap]) => cap !== null && (kind === 'all' || cap !== c.caps.all));
  const answer =
    c.status === 503
      ? `status 503 content-type application/xml string '${SLOWDOWN}'`
      : `status 429 content-type application/xml string '${TOO_MANY}' hdr Retry-After 1`;
  const lines = [
    'frontend s3_capped',
    `  bind 127.0.0.1:${port} ssl crt ${certificate}`,
    '  # The bucket: the first segment of a path-style request.',
    '  http-request set-var(txn.bucket) path,field(2,/)',
    '  acl is_write method PUT POST DELETE',
    '  acl is_read method GET HEAD',
    ...used.map(([kind, , acl], i) => `  http-request track-sc${i} var(txn.bucket) table caps_${kind}${iff(acl)}`),
    ...used.map(([, cap, acl], i) => `  http-request return ${answer} if ${acl} { sc_gpc0_rate(${i}) ge ${cap} }`),
    ...used.map(([, , acl], i) => `  http-request sc-inc-gpc0(${i})${iff(acl)}`),
    `  default_backend ${backend}`,
    ...used.flatMap(([kind]) => [
      `backend caps_${kind}`,
      '  stick-table type string len 128 size 10k expire 60s store gpc0,gpc0_rate(1s)',
    ]),
  ];
  return lines.join('\n') + '\n';
}
