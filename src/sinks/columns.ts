// Growable typed columns: the generators append values here, the Parquet sink copies them to
// DuckDB a whole vector at a time.

export type Physical = 'int' | 'double' | 'date' | 'bool' | 'str';

type Storage = Int32Array | Float64Array | Uint8Array;

export class ColumnBuffer {
  length = 0;
  private data: Storage;
  private strings: (string | null)[] = [];
  /** One byte a row, 0 where the value is NULL; allocated on the first NULL. */
  private valid: Uint8Array | null = null;

  constructor(readonly name: string, readonly physical: Physical, capacity = 4096) {
    this.data = this.allocate(physical === 'str' ? 0 : capacity);
  }

  private allocate(n: number): Storage {
    if (this.physical === 'double') return new Float64Array(n);
    if (this.physical === 'bool') return new Uint8Array(n);
    return new Int32Array(n);
  }

  private grow(): void {
    const bigger = this.allocate(Math.max(4096, this.data.length * 2));
    bigger.set(this.data);
    this.data = bigger;
    if (this.valid) {
      const v = new Uint8Array(bigger.length).fill(1);
      v.set(this.valid);
      this.valid = v;
    }
  }

  push(value: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = value;
  }

  pushString(value: string): void {
    this.strings[this.length++] = value;
  }

  pushNull(): void {
    if (this.physical === 'str') {
      this.strings[this.length++] = null;
      return;
    }
    if (this.length === this.data.length) this.grow();
    if (!this.valid) this.valid = new Uint8Array(this.data.length).fill(1);
    this.valid[this.length] = 0;
    this.data[this.length++] = 0;
  }

  /** Numeric values [from, from+count) (not for strings). */
  numbers(from: number, count: number): Storage {
    return this.data.subarray(from, from + count);
  }

  stringAt(i: number): string | null {
    return this.strings[i];
  }

  validity(from: number, count: number): Uint8Array | null {
    if (!this.valid) return null;
    const slice = this.valid.subarray(from, from + count);
    return slice.includes(0) ? slice : null;
  }

  clear(): void {
    this.length = 0;
    this.strings = [];
    this.valid = null;
  }
}

/** The generated columns of one table, filled row by row. */
export class Batch {
  readonly columns: ColumnBuffer[];
  private readonly byName = new Map<string, ColumnBuffer>();

  constructor(spec: readonly (readonly [string, Physical])[]) {
    this.columns = spec.map(([name, physical]) => new ColumnBuffer(name, physical));
    for (const c of this.columns) this.byName.set(c.name, c);
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

  clear(): void {
    for (const c of this.columns) c.clear();
  }
}
