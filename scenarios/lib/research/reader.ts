// The Parquet reader of the research scenario: hyparquet (bundled in scenarios/vendor) over byte-range
// GETs sent with http.asyncRequest, several in flight. It reads each footer once per researcher (the
// cold start), then the column chunks a query needs in the batches of ranges.ts, retrying throttled
// requests as the S3 SDKs do, and decodes only what it fetched: a byte it lacks is an error, not a guess.
import { parquetMetadata, parquetRead, zstdDecompress } from '../../vendor/hyparquet.js';
import type { S3 } from '../s3.ts';
import { recordStatus } from '../metrics.ts';
import { delay } from '../delay.ts';
import { queryBatches, rounds, tailRange, type Fetch, type FileRead, type ReaderSettings } from './ranges.ts';
import type { Columns } from './query.ts';

/** What one query cost in storage requests. */
export interface ReadCost {
  gets: number;
  bytes: number;
  /** Sequential rounds of GETs the plan needed; a retry adds one, and so do new connections' handshakes. */
  rounds: number;
  /** The most requests in flight at once. */
  inflight: number;
  throttled: number;
  /** Milliseconds waiting on storage. */
  waitMs: number;
  /** Footers read by this query (none once a researcher has read them all). */
  footers: number;
}

const newCost = (): ReadCost => ({ gets: 0, bytes: 0, rounds: 0, inflight: 0, throttled: 0, waitMs: 0, footers: 0 });

// Dates stay days since the epoch until canonical() prints them: a Date per value costs too much here.
const DAY_MS = 86400000;
const dayText = new Map<number, string>();
const PARSERS = {
  dateFromDays: (d: number) => {
    let s = dayText.get(d);
    if (s === undefined) dayText.set(d, (s = new Date(d * DAY_MS).toISOString().slice(0, 10)));
    return s;
  },
};
const COMPRESSORS = { ZSTD: (input: Uint8Array, n: number) => zstdDecompress(input, new Uint8Array(n)) };

/** Bytes fetched from one object, served to hyparquet as the file: holes between fetched ranges read as
 * zeros (hyparquet may ask a span covering chunks it then cuts apart), but every chunk the plan needed
 * was fetched. */
class FetchedFile {
  pieces: { start: number; bytes: Uint8Array }[] = [];
  constructor(readonly byteLength: number) {}

  add(start: number, bytes: Uint8Array): void {
    this.pieces.push({ start, bytes });
  }

  slice(start: number, end?: number): ArrayBuffer {
    const stop = Math.min(end ?? this.byteLength, this.byteLength);
    const out = new Uint8Array(Math.max(0, stop - start));
    for (const p of this.pieces) {
      const from = Math.max(start, p.start);
      const to = Math.min(stop, p.start + p.bytes.length);
      if (from < to) out.set(p.bytes.subarray(from - p.start, to - p.start), from - start);
    }
    return out.buffer;
  }
}

export class ParquetReader {
  /** Footers this researcher has read: a notebook keeps its files' metadata for the session. */
  private footers = new Map<string, unknown>();

  constructor(
    private readonly s3: S3,
    private readonly s: ReaderSettings,
  ) {}

  /** Sends one batch, `inflight` at a time; 429 and 503 are retried after a backoff. */
  private async fetchBatch(batch: Fetch[], cost: ReadCost): Promise<Map<string, FetchedFile>> {
    const out = new Map<string, FetchedFile>();
    const sizes = new Map<string, number>();
    for (const f of batch) sizes.set(f.key, Math.max(sizes.get(f.key) ?? 0, f.end));
    let next = 0;
    let active = 0;
    let retried = false;
    // A new connection's handshake is one more round trip on the batch's critical path.
    let connected = false;
    const worker = async (): Promise<void> => {
      while (next < batch.length) {
        const f = batch[next++];
        for (let attempt = 0; ; attempt++) {
          active++;
          cost.inflight = Math.max(cost.inflight, active);
          const r = await this.s3.request('GET', f.key, null, {
            headers: { Range: `bytes=${f.start}-${f.end - 1}` },
            name: 'GetObjectRange',
            op: 'get_range',
            expected: [206, 200, 429, 503],
          });
          active--;
          cost.gets++;
          if (r.timings.connecting > 0 || r.timings.tls_handshaking > 0) connected = true;
          recordStatus('get_range', r.status, f.end - f.start);
          if (r.status === 429 || r.status === 503) {
            cost.throttled++;
            if (attempt >= 8) throw new Error(`GET ${f.key}: still throttled after ${attempt + 1} tries`);
            retried = true;
            await delay((Math.min(2000, 50 * 2 ** attempt) * (0.5 + Math.random())) / 1000);
            continue;
          }
          if (r.status !== 206 && r.status !== 200) throw new Error(`GET ${f.key} bytes ${f.start}-: HTTP ${r.status}`);
          const body = new Uint8Array(r.body as ArrayBuffer);
          // A 200 carries the whole object: keep the bytes asked for.
          const bytes = r.status === 200 ? body.subarray(f.start, f.end) : body;
          if (bytes.length !== f.end - f.start)
            throw new Error(`GET ${f.key} bytes ${f.start}-${f.end - 1}: ${bytes.length} bytes came`);
          cost.bytes += bytes.length;
          let file = out.get(f.key);
          if (!file) out.set(f.key, (file = new FetchedFile(sizes.get(f.key)!)));
          file.add(f.start, bytes);
          break;
        }
      }
    };
    const t0 = Date.now();
    await Promise.all(Array.from({ length: Math.min(this.s.inflight, batch.length) }, worker));
    cost.waitMs += Date.now() - t0;
    cost.rounds += rounds(batch.length, this.s.inflight) + (retried ? 1 : 0) + (connected ? 1 : 0);
    return out;
  }

  /** The metadata of every file not read before: the tails at once, then the rest of the long ones. */
  private async readFooters(files: FileRead[], cost: ReadCost): Promise<void> {
    const todo = [...new Map(files.filter((f) => !this.footers.has(f.key)).map((f) => [f.key, f])).values()];
    if (todo.length === 0) return;
    cost.footers += todo.length;
    const tails = await this.fetchBatch(
      todo.map((f) => ({ key: f.key, ...tailRange(f.size, this.s) })),
      cost,
    );
    const longer: Fetch[] = [];
    const tailOf = new Map<string, Uint8Array>();
    for (const f of todo) {
      const { start } = tailRange(f.size, this.s);
      const tail = new Uint8Array(tails.get(f.key)!.slice(start, f.size));
      const view = new DataView(tail.buffer);
      const magic = String.fromCharCode(...tail.subarray(tail.length - 4));
      if (magic !== 'PAR1') throw new Error(`${f.key}: not a Parquet file (its last bytes are not PAR1)`);
      const need = view.getUint32(tail.length - 8, true) + 8;
      if (need > tail.length) longer.push({ key: f.key, start: f.size - need, end: start });
      tailOf.set(f.key, tail);
    }
    const rest = longer.length ? await this.fetchBatch(longer, cost) : new Map<string, FetchedFile>();
    for (const f of todo) {
      let tail = tailOf.get(f.key)!;
      const more = longer.find((x) => x.key === f.key);
      if (more) {
        const whole = new Uint8Array(more.end - more.start + tail.length);
        whole.set(new Uint8Array(rest.get(f.key)!.slice(more.start, more.end)), 0);
        whole.set(tail, more.end - more.start);
        tail = whole;
      }
      this.footers.set(f.key, parquetMetadata(tail.buffer as ArrayBuffer, { parsers: PARSERS }));
    }
  }

  /** Reads what a query needs; decodes it into each alias's columns when `decode` (checking answers). */
  async read(
    files: FileRead[],
    decode: boolean,
  ): Promise<{ cost: ReadCost; tables: Record<string, Columns>; rows: Record<string, number>; decodeMs: number }> {
    const cost = newCost();
    await this.readFooters(files, cost);
    const withMd = files.map((file) => ({ file, md: this.footers.get(file.key) as any }));
    const fetched = new Map<string, FetchedFile>();
    for (const batch of queryBatches(withMd, this.s)) {
      const got = await this.fetchBatch(batch, cost);
      for (const [key, f] of got) {
        const into = fetched.get(key);
        if (into) into.pieces.push(...f.pieces);
        else fetched.set(key, f);
      }
    }
    const tables: Record<string, Columns> = {};
    const rows: Record<string, number> = {};
    const t0 = Date.now();
    for (const { file, md } of withMd) {
      const n = Number(md.num_rows);
      const cols = (tables[file.alias] ??= Object.fromEntries(file.columns.map((c) => [c, [] as unknown[]])));
      rows[file.alias] = (rows[file.alias] ?? 0) + n;
      if (!decode || file.columns.length === 0) continue;
      const src = fetched.get(file.key) ?? new FetchedFile(file.size);
      (src as { byteLength: number }).byteLength = file.size;
      const parts: Record<string, { rowStart: number; values: ArrayLike<unknown> }[]> = {};
      await parquetRead({
        file: src,
        metadata: md,
        columns: file.columns,
        parsers: PARSERS,
        compressors: COMPRESSORS,
        onChunk: (c: { columnName: string; columnData: ArrayLike<unknown>; rowStart: number }) => {
          (parts[c.columnName] ??= []).push({ rowStart: c.rowStart, values: c.columnData });
        },
      });
      // Chunks come row group by row group; kept in row order whatever the order they came in.
      for (const c of file.columns)
        for (const part of (parts[c] ?? []).sort((a, b) => a.rowStart - b.rowStart))
          for (let i = 0; i < part.values.length; i++) cols[c].push(part.values[i]);
    }
    return { cost, tables, rows, decodeMs: decode ? Date.now() - t0 : 0 };
  }
}
