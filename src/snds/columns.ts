// Typed columns in fixed-size chunks: the generators append values here and the Parquet sink hands
// DuckDB one chunk of every column at a time. Chunks never move once filled, so a file's rows cost no
// copying while they accumulate, and the chunk is the vector DuckDB reads. A batch given a spill file
// moves its full chunks there (spillFull) and reads each back as DuckDB asks for it (load).
import { SpillFile } from './spill.js';

export type Physical = 'int' | 'double' | 'date' | 'bool' | 'str';

/** Rows per chunk: DuckDB's vector size. */
export const CHUNK = 2048;

/**
 * Distinct strings a column keeps as a dictionary (16-bit codes, DuckDB's ENUM of up to 65,535
 * values); past that the column keeps the strings themselves, so that near-unique identifiers never
 * build a huge map.
 */
export const MAX_DICTIONARY = 65_535;

type Numbers = Int32Array | Float64Array | Uint16Array | Uint8Array;
const EMPTY = new Int32Array(0);

export class ColumnBuffer {
  length = 0;
  /** Numbers, or dictionary codes of strings. */
  private chunks: Numbers[] = [];
  /** The strings themselves, once the dictionary gave up (null for a chunk that was spilled). */
  private plain: ((string | null)[] | null)[] | null = null;
  /** One byte a row per chunk, 0 where the value is NULL; a chunk's is allocated on its first NULL. */
  private valid: (Uint8Array | null)[] = [];
  private codes = new Map<string, number>();
  private lastString: string | null = null;
  private lastCode = 0;
  private current!: Numbers;
  private position = CHUNK;
  /** Chunks below this one are in the spill file, and `loaded` holds the one read back last. */
  spilled = 0;
  private loaded: { c: number; data: Uint8Array; valid: Uint8Array | null } | null = null;
  /** The dictionary as it was dropped: spilled chunks below `plainFrom` hold its codes. */
  private frozen: string[] = [];
  private plainFrom = 0;

  constructor(
    readonly name: string,
    readonly physical: Physical,
  ) {}

  private nextChunk(): void {
    const kind = this.plain ? 'plain' : this.physical;
    this.current =
      kind === 'plain'
        ? EMPTY
        : kind === 'str'
          ? new Uint16Array(CHUNK)
          : kind === 'double'
            ? new Float64Array(CHUNK)
            : kind === 'bool'
              ? new Uint8Array(CHUNK)
              : new Int32Array(CHUNK);
    this.chunks.push(this.current);
    this.valid.push(null);
    this.plain?.push([]);
    this.position = 0;
  }

  push(value: number): void {
    if (this.position === CHUNK) this.nextChunk();
    this.current[this.position++] = value;
    this.length++;
  }

  pushString(value: string): void {
    if (this.position === CHUNK) this.nextChunk();
    if (this.plain) {
      this.plain[this.plain.length - 1]![this.position++] = value;
      this.length++;
      return;
    }
    // Rows of one person repeat most strings: the last one's code spares a map lookup.
    let code = value === this.lastString ? this.lastCode : this.codes.get(value);
    if (code === undefined) {
      if (this.codes.size === MAX_DICTIONARY) {
        this.dropDictionary();
        this.pushString(value);
        return;
      }
      code = this.codes.size;
      this.codes.set(value, code);
    }
    this.lastString = value;
    this.lastCode = code;
    this.current[this.position++] = code;
    this.length++;
  }

  pushNull(): void {
    if (this.position === CHUNK) this.nextChunk();
    const c = this.chunks.length - 1;
    (this.valid[c] ??= new Uint8Array(CHUNK).fill(1))[this.position] = 0;
    if (this.plain) this.plain[c]![this.position] = null;
    else this.current[this.position] = 0;
    this.position++;
    this.length++;
  }

  private dropDictionary(): void {
    const values = [...this.codes.keys()];
    this.frozen = values;
    this.plainFrom = this.spilled;
    this.plain = this.chunks.map((chunk, c) =>
      c < this.spilled
        ? null
        : Array.from(chunk.subarray(0, c === this.chunks.length - 1 ? this.position : CHUNK), (code, i) =>
            this.valid[c]?.[i] === 0 ? null : values[code],
          ),
    );
    this.codes.clear();
    this.lastString = null;
  }

  /** The distinct strings in code order, or null when the column keeps plain strings. */
  dictionary(): string[] | null {
    return this.physical === 'str' && !this.plain ? [...this.codes.keys()] : null;
  }

  get plainStrings(): boolean {
    return this.plain !== null;
  }

  /** Values (numbers or codes) of chunk `c`; the last chunk is filled up to `length`. */
  numbers(c: number): Numbers {
    if (c >= this.spilled) return this.chunks[c];
    const { buffer, byteOffset, byteLength } = this.reloaded(c).data;
    const kind = this.physical;
    if (kind === 'str') return new Uint16Array(buffer, byteOffset, byteLength / 2);
    if (kind === 'double') return new Float64Array(buffer, byteOffset, byteLength / 8);
    if (kind === 'bool') return new Uint8Array(buffer, byteOffset, byteLength);
    return new Int32Array(buffer, byteOffset, byteLength / 4);
  }

  strings(c: number): (string | null)[] {
    if (c >= this.spilled) return this.plain![c]!;
    if (c < this.plainFrom) return Array.from(this.numbers(c), (code) => this.frozen[code]);
    const { data } = this.reloaded(c);
    const strings = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8').split('\0');
    if (strings.length !== CHUNK) throw new Error(`column ${this.name}: a value holds a NUL character`);
    return strings;
  }

  /** One byte a row of chunk `c`, or null when it holds no NULL. */
  validity(c: number): Uint8Array | null {
    return c >= this.spilled ? this.valid[c] : this.reloaded(c).valid;
  }

  private reloaded(c: number): { data: Uint8Array; valid: Uint8Array | null } {
    if (this.loaded?.c !== c) throw new Error(`column ${this.name}: chunk ${c} was spilled and not loaded`);
    return this.loaded;
  }

  /** Full chunk `c` as bytes (values, then validity, empty without NULLs), released from memory. */
  spill(c: number): [Uint8Array, Uint8Array] {
    if (c !== this.spilled || (c + 1) * CHUNK > this.length) throw new Error(`column ${this.name}: cannot spill ${c}`);
    const strings = this.plain?.[c];
    const numbers = this.chunks[c];
    const data = strings
      ? Buffer.from(strings.join('\0'), 'utf8')
      : new Uint8Array(numbers.buffer, numbers.byteOffset, numbers.byteLength);
    const valid = this.valid[c] ?? new Uint8Array(0);
    this.chunks[c] = EMPTY;
    this.valid[c] = null;
    if (this.plain) this.plain[c] = null;
    this.spilled++;
    return [data, valid];
  }

  /** Chunk `c`, read back from the spill file, until the next load. */
  load(c: number, data: Uint8Array, valid: Uint8Array): void {
    this.loaded = { c, data, valid: valid.byteLength > 0 ? valid : null };
  }

  clear(): void {
    this.length = 0;
    this.chunks = [];
    this.valid = [];
    this.plain = null;
    this.codes = new Map();
    this.lastString = null;
    this.position = CHUNK;
    this.spilled = 0;
    this.loaded = null;
    this.frozen = [];
    this.plainFrom = 0;
  }
}

/**
 * Values by column name: numbers, strings, null or undefined (NULL). Unchecked here: the emitters
 * write through TableBatch, which types them by their table's column list.
 */
export type Row = Readonly<Record<string, unknown>>;

/** A table's generated columns, in order: name and the type they are handed to DuckDB in. */
export type Spec = readonly (readonly [string, Physical])[];

/** What a column takes from JavaScript: strings for 'str', numbers for the rest (days, 0/1). */
type JsValue<P extends Physical> = P extends 'str' ? string : number;

/**
 * One row of a table whose generated columns are `S` (a list declared `as const`): every column, by
 * name, with the type its physical type takes; null is NULL.
 */
export type RowOf<S extends Spec> = { [C in S[number] as C[0]]: JsValue<C[1]> | null };

/**
 * A batch seen through its table's column list: `put(keys, row)` takes shared key columns and the
 * rest of the row, and between them every column exactly once, so that a misspelt, missing or
 * mistyped column does not compile.
 */
export interface TableBatch<S extends Spec> {
  put<K extends S[number][0]>(keys: Pick<RowOf<S>, K>, row: Omit<RowOf<S>, K>): void;
}

/**
 * A function appending one row: each column's value comes from `row` when it has the column, else
 * from `keys` (the columns a claim's or a stay's rows share); null or undefined is NULL. Compiled
 * from the column list so that every lookup is a named property the engine can cache, instead of a
 * keyed lookup per value.
 */
function compilePut(columns: ColumnBuffer[]): (keys: Row, row: Row) => void {
  const body = columns
    .map((c, j) => {
      const name = JSON.stringify(c.name);
      const push = c.physical === 'str' ? 'pushString' : 'push';
      return (
        `v = ${name} in row ? row[${name}] : keys[${name}]; ` +
        `if (v === null || v === undefined) c[${j}].pushNull(); else c[${j}].${push}(v);`
      );
    })
    .join('\n');
  return new Function('c', `return function put(keys, row) { let v;\n${body}\n}`)(columns);
}

/** The generated columns of one table, filled row by row. */
export class Batch {
  readonly columns: ColumnBuffer[];
  readonly put: (keys: Row, row: Row) => void;
  private readonly byName = new Map<string, ColumnBuffer>();
  private spillFile: SpillFile | null = null;

  constructor(spec: Spec) {
    this.columns = spec.map(([name, physical]) => new ColumnBuffer(name, physical));
    for (const c of this.columns) this.byName.set(c.name, c);
    this.put = compilePut(this.columns);
  }

  col(name: string): ColumnBuffer {
    const c = this.byName.get(name);
    if (!c) throw new Error(`no generated column ${name}`);
    return c;
  }

  get rows(): number {
    const n = this.columns[0].length;
    for (const c of this.columns) {
      if (c.length !== n) throw new Error(`column ${c.name} has ${c.length} rows, expected ${n}`);
    }
    return n;
  }

  /** Where full chunks go from now on (until the next clear), or null to keep them in memory. */
  spillTo(path: string | null): void {
    this.spillFile?.discard();
    this.spillFile = path === null ? null : new SpillFile(path);
  }

  /** Moves every full chunk not yet spilled to the spill file, if there is one. */
  spillFull(): void {
    if (!this.spillFile) return;
    const full = Math.floor(this.columns[0].length / CHUNK);
    for (let c = this.columns[0].spilled; c < full; c++) {
      if (this.spillFile.append(this.columns.flatMap((col) => col.spill(c))) !== c)
        throw new Error('spill records out of step with chunks');
    }
  }

  /** Makes chunk `c` readable, from the spill file when it was spilled. */
  load(c: number): void {
    if (!this.spillFile || c >= this.columns[0].spilled) return;
    const sections = this.spillFile.read(c);
    this.columns.forEach((col, j) => col.load(c, sections[2 * j], sections[2 * j + 1]));
  }

  /** Empties the batch; its spill file, if any, is deleted and used again from the start. */
  clear(): void {
    for (const c of this.columns) c.clear();
    this.spillFile?.discard();
  }
}
