// What a Parquet reader asks of storage for one query, as real readers differ: the footer (a tail read,
// then the rest of the metadata if it was longer), then the column chunks of the columns it needs,
// merged when the hole between two is small enough. Pure: the k6 reader fetches these batches and
// Node predicts GETs, bytes and sequential rounds from the same plan over the local files' metadata.

/** A byte range [start, end) of one object. */
export interface Range {
  start: number;
  end: number;
}

/** The reader's knobs, with the defaults of the readers named. */
export interface ReaderSettings {
  /** Ranges closer than this are merged: DuckDB 16 KiB (its default), Arrow 8 KiB. */
  mergeGap: number;
  /** A merged range grows no larger than this: Arrow 32 MiB; DuckDB sets no limit. */
  mergeMax: number;
  /** On: every row group's ranges of a file asked at once (Arrow's pre_buffer, DuckDB's prefetch);
   * off: one row group after the other. */
  readAhead: boolean;
  /** Requests in flight at once per researcher. */
  inflight: number;
  /** The tail read that should hold the footer: 64 KiB, the prefetch hint users give Arrow's reader. */
  footerBytes: number;
}

export const READER_DEFAULTS: ReaderSettings = {
  mergeGap: 16 * 1024,
  mergeMax: Number.MAX_SAFE_INTEGER,
  readAhead: true,
  inflight: 8,
  footerBytes: 64 * 1024,
};

/** Arrow's CacheOptions, the other common setting. */
export const ARROW_MERGE = { mergeGap: 8 * 1024, mergeMax: 32 * 1024 * 1024 };

/** The little of a file's metadata the plan needs (hyparquet's FileMetaData has it). */
export interface ChunkLayout {
  row_groups: {
    num_rows: bigint | number;
    columns: {
      meta_data?: {
        path_in_schema: string[];
        data_page_offset: bigint | number;
        dictionary_page_offset?: bigint | number;
        total_compressed_size: bigint | number;
      };
    }[];
  }[];
}

/** The column chunks of `columns` in row group `group`, in file order. */
export function chunkRanges(md: ChunkLayout, columns: string[], group: number): Range[] {
  const out: Range[] = [];
  for (const c of md.row_groups[group].columns) {
    const m = c.meta_data;
    if (!m || !columns.includes(m.path_in_schema.join('.'))) continue;
    const dict = m.dictionary_page_offset === undefined ? null : Number(m.dictionary_page_offset);
    const data = Number(m.data_page_offset);
    const start = dict !== null && dict > 0 && dict < data ? dict : data;
    out.push({ start, end: start + Number(m.total_compressed_size) });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Ranges merged when the hole between them is at most `gap` and the result at most `max` bytes. */
export function coalesce(ranges: Range[], gap: number, max: number): Range[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start - last.end <= gap && Math.max(r.end, last.end) - last.start <= max)
      last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

/** The batches of ranges a reader asks for one file's chunks: one batch with read-ahead, else one per
 * row group. A batch's ranges are in flight together, up to `inflight` at once. */
export function chunkBatches(md: ChunkLayout, columns: string[], s: ReaderSettings): Range[][] {
  const groups = md.row_groups.map((_, g) => g).filter((g) => Number(md.row_groups[g].num_rows) > 0);
  if (columns.length === 0) return [];
  if (s.readAhead) {
    const all = coalesce(
      groups.flatMap((g) => chunkRanges(md, columns, g)),
      s.mergeGap,
      s.mergeMax,
    );
    return all.length ? [all] : [];
  }
  return groups.map((g) => coalesce(chunkRanges(md, columns, g), s.mergeGap, s.mergeMax)).filter((b) => b.length);
}

/** The footer's tail read: the last `footerBytes` of the file, or all of it. */
export const tailRange = (size: number, s: ReaderSettings): Range => ({
  start: Math.max(0, size - s.footerBytes),
  end: size,
});

/** Sequential rounds of a batch of `n` requests with `inflight` at once. */
export const rounds = (n: number, inflight: number): number => Math.ceil(n / Math.max(1, inflight));

/** One file a query reads: the alias it is read as, its key and size, the columns it needs. */
export interface FileRead {
  alias: string;
  key: string;
  size: number;
  columns: string[];
}

/** A request of a batch: which object, which bytes. */
export interface Fetch extends Range {
  key: string;
}

/** The batches of a query's chunk reads, table after table in the query's order (a join reads its
 * build side whole): with read-ahead, all of a table's files at once; without, row group by row group. */
export function queryBatches(files: { file: FileRead; md: ChunkLayout }[], s: ReaderSettings): Fetch[][] {
  const aliases = [...new Set(files.map((f) => f.file.alias))];
  const out: Fetch[][] = [];
  for (const alias of aliases) {
    const perFile = files
      .filter((f) => f.file.alias === alias)
      .map((f) => chunkBatches(f.md, f.file.columns, s).map((b) => b.map((r) => ({ key: f.file.key, ...r }))));
    if (s.readAhead) {
      const batch = perFile.flat(2);
      if (batch.length) out.push(batch);
    } else out.push(...perFile.flat(1));
  }
  return out;
}
