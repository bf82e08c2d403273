// The probe's conditional-write rows: whether a host honours `If-None-Match: *` and `If-Match` on PUT,
// and whether exactly one of several concurrent conditional writers wins (the lock that table formats
// and lake commits build on object storage).
import { randomBytes } from 'node:crypto';
import { s3Request, type S3Access } from './s3node.js';

type Row = [boolean, string];
const TIMEOUT = 60_000;
/** Writers per round, and rounds of each kind at most: on a server that races, a round in five or more
 * has several winners (versitygw's posix backend), so 20 rounds of each leave a race unseen about once
 * in 10,000 probes; the rounds stop at the first lost. */
const WRITERS = 16;
const ROUNDS = 20;

const won = (status: number) => status >= 200 && status < 300;
const lost = (status: number) => status === 412 || status === 409;

export interface ConditionalRows {
  create: Row;
  overwrite: Row;
  concurrent: Row;
}

/** The three rows, with keys under `prefix` (each written key is added to `written` for removal). */
export async function probeConditional(a: S3Access, prefix: string, written: string[]): Promise<ConditionalRows> {
  const put = async (key: string, headers: Record<string, string>) => {
    const r = await s3Request(a, 'PUT', key, { body: randomBytes(256), headers }, TIMEOUT);
    if (won(r.status) && !written.includes(key)) written.push(key);
    return r;
  };
  const key = `${prefix}conditional`;
  const first = await put(key, { 'if-none-match': '*' });
  const again = await put(key, { 'if-none-match': '*' });
  const create: Row = [
    won(first.status) && lost(again.status),
    !won(first.status)
      ? `HTTP ${first.status} on an absent key`
      : lost(again.status)
        ? `an existing key refused with ${again.status}`
        : `an existing key overwritten (HTTP ${again.status}): the condition is ignored`,
  ];

  const etag = String((await s3Request(a, 'HEAD', key, {}, TIMEOUT)).headers.etag ?? '');
  const wrong = await put(key, { 'if-match': '"0123456789abcdef0123456789abcdef"' });
  const right = await put(key, { 'if-match': etag });
  const overwrite: Row = [
    lost(wrong.status) && won(right.status),
    lost(wrong.status)
      ? won(right.status)
        ? `another ETag refused with ${wrong.status}, the current one accepted`
        : `the current ETag refused (HTTP ${right.status})`
      : `another ETag accepted (HTTP ${wrong.status}): the condition is ignored`,
  ];
  if (!create[0] || !overwrite[0]) return { create, overwrite, concurrent: [false, 'conditional writes not honoured'] };

  // Rounds of concurrent writers: on a new key with If-None-Match, then on it with its ETag.
  const winners: number[] = [];
  for (let round = 0; round < ROUNDS && !winners.some((n) => n !== 1); round++) {
    const k = `${prefix}race-${round}-${randomBytes(3).toString('hex')}`;
    const writers = (headers: () => Record<string, string>) =>
      Promise.all(Array.from({ length: WRITERS }, () => put(k, headers()).then((r) => r.status)));
    winners.push((await writers(() => ({ 'if-none-match': '*' }))).filter(won).length);
    const current = String((await s3Request(a, 'HEAD', k, {}, TIMEOUT)).headers.etag ?? '');
    winners.push((await writers(() => ({ 'if-match': current }))).filter(won).length);
  }
  const bad = winners.filter((n) => n !== 1);
  const concurrent: Row = [
    bad.length === 0,
    bad.length === 0
      ? `${winners.length} rounds of ${WRITERS} writers: one winner each`
      : `round ${winners.length} of ${WRITERS} writers had ${bad[0]} winners ` +
        `(${winners.length % 2 ? 'If-None-Match' : 'If-Match'})`,
  ];
  return { create, overwrite, concurrent };
}
