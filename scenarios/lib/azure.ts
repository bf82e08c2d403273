// Azure Blob Storage SharedKey signing (the migration source), with the HMAC injected like SigV4's.

export interface AzureHashing {
  /** HMAC-SHA256 keyed with the base64-decoded account key, as base64. */
  hmacBase64(keyBase64: string, data: string): string;
}

export interface AzureAccount {
  account: string;
  key: string; // base64
}

export interface AzureRequest {
  method: string;
  /** Path after the host, starting with the account in path style (Azurite): `/account/container/blob`. */
  path: string;
  query?: Record<string, string>;
  headers: Record<string, string>;
  contentLength?: number;
}

export const AZURE_VERSION = '2021-08-06';

/** The headers of a request authorised by a SAS token, which goes in the query string instead. */
export function sasHeaders(headers: Record<string, string>, now: Date): Record<string, string> {
  return { ...headers, 'x-ms-date': now.toUTCString(), 'x-ms-version': AZURE_VERSION };
}

/** Returns the headers to send, with x-ms-date, x-ms-version and Authorization added. */
export function signAzure(h: AzureHashing, a: AzureAccount, r: AzureRequest, now: Date): Record<string, string> {
  const headers: Record<string, string> = {
    ...r.headers,
    'x-ms-date': now.toUTCString(),
    'x-ms-version': AZURE_VERSION,
  };
  const lower: Record<string, string> = {};
  for (const k of Object.keys(headers)) lower[k.toLowerCase()] = String(headers[k]).trim();
  const msHeaders = Object.keys(lower)
    .filter((k) => k.startsWith('x-ms-'))
    .sort()
    .map((k) => `${k}:${lower[k]}\n`)
    .join('');
  // Path-style endpoints (Azurite) repeat the account: /account + the path as sent.
  let resource = `/${a.account}${r.path}`;
  const q = r.query ?? {};
  for (const k of Object.keys(q)
    .map((x) => x.toLowerCase())
    .sort())
    resource += `\n${k}:${q[k] ?? q[Object.keys(q).find((x) => x.toLowerCase() === k)!]}`;
  const len = r.contentLength ? String(r.contentLength) : '';
  const toSign =
    [
      r.method,
      lower['content-encoding'] ?? '',
      lower['content-language'] ?? '',
      len,
      lower['content-md5'] ?? '',
      lower['content-type'] ?? '',
      '',
      lower['if-modified-since'] ?? '',
      lower['if-match'] ?? '',
      lower['if-none-match'] ?? '',
      lower['if-unmodified-since'] ?? '',
      lower['range'] ?? '',
    ].join('\n') +
    '\n' +
    msHeaders +
    resource;
  headers.Authorization = `SharedKey ${a.account}:${h.hmacBase64(a.key, toSign)}`;
  return headers;
}
