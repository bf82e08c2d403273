// A file's full chunks, set aside on disk until its COPY reads them back: the rows of a file then
// cost memory only for the chunk being filled, however many rows a file or a block holds. Each
// record is one chunk of every column, written with one call and read back with one.
import { closeSync, mkdirSync, openSync, readSync, rmSync, writevSync } from 'node:fs';
import { dirname } from 'node:path';

/** Sections start on 8-byte boundaries, so that a typed array can view them where they lie. */
const ALIGN = 8;
const PADDING = new Uint8Array(ALIGN);

interface Record {
  offset: number;
  /** Byte length of each section, in the order written. */
  lengths: number[];
}

const padded = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

export class SpillFile {
  private fd: number | null = null;
  private end = 0;
  private readonly records: Record[] = [];
  private buffer = new ArrayBuffer(0);

  constructor(readonly path: string) {}

  get count(): number {
    return this.records.length;
  }

  /** Appends one record made of `sections` (byte views); returns its index. */
  append(sections: Uint8Array[]): number {
    if (this.fd === null) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'w+');
    }
    const parts: Uint8Array[] = [];
    let bytes = 0;
    for (const s of sections) {
      parts.push(s);
      const pad = padded(s.byteLength) - s.byteLength;
      if (pad > 0) parts.push(PADDING.subarray(0, pad));
      bytes += s.byteLength + pad;
    }
    let written = 0;
    while (written < bytes)
      written += writevSync(this.fd, written === 0 ? parts : rest(parts, written), this.end + written);
    this.records.push({ offset: this.end, lengths: sections.map((s) => s.byteLength) });
    this.end += bytes;
    return this.records.length - 1;
  }

  /** Record `i`'s sections, as views into a buffer the next read reuses. */
  read(i: number): Uint8Array[] {
    const { offset, lengths } = this.records[i];
    const bytes = lengths.reduce((s, n) => s + padded(n), 0);
    if (this.buffer.byteLength < bytes) this.buffer = new ArrayBuffer(bytes);
    const all = new Uint8Array(this.buffer, 0, bytes);
    for (let got = 0; got < bytes;) {
      const n = readSync(this.fd!, all, got, bytes - got, offset + got);
      if (n === 0) throw new Error(`${this.path}: ended before record ${i}`);
      got += n;
    }
    let at = 0;
    return lengths.map((n) => {
      const view = new Uint8Array(this.buffer, at, n);
      at += padded(n);
      return view;
    });
  }

  /** Closes and deletes the file. */
  discard(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    rmSync(this.path, { force: true });
    this.records.length = 0;
    this.end = 0;
  }
}

/** What remains of `parts` after its first `skip` bytes (a short write). */
function rest(parts: Uint8Array[], skip: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const p of parts) {
    if (skip >= p.byteLength) skip -= p.byteLength;
    else {
      out.push(p.subarray(skip));
      skip = 0;
    }
  }
  return out;
}
