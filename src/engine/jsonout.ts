// `--out json=FILE`: one JSON object a line, k6's format (a metric's declaration before its first sample,
// then one Point per sample with sorted tags, times in RFC 3339 with nanoseconds and the local offset);
// gzip when FILE ends in .gz. Written to a temporary name and renamed when the run ends.
import { createWriteStream, renameSync, type WriteStream } from 'node:fs';
import { createGzip, type Gzip } from 'node:zlib';
import type { Tags } from './metrics.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function offsetOf(d: Date): string {
  const off = -d.getTimezoneOffset();
  if (off === 0) return 'Z';
  const a = Math.abs(off);
  return `${off < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

let cachedSecond = NaN;
let cachedPrefix = '';
let cachedOffset = '';

/** Epoch milliseconds as RFC 3339 with up to nine fraction digits (trailing zeros trimmed, as Go does). */
export function rfc3339Nano(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    cachedPrefix =
      `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T` +
      `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    cachedOffset = offsetOf(d);
    cachedSecond = second;
  }
  const ns = Math.round((ms - second * 1000) * 1e6);
  const frac = ns > 0 ? '.' + String(Math.min(ns, 999_999_999)).padStart(9, '0').replace(/0+$/, '') : '';
  return cachedPrefix + frac + cachedOffset;
}

/** RFC 3339 to whole seconds, local zone: logrus's time field. */
export function rfc3339Seconds(ms: number): string {
  rfc3339Nano(ms);
  return cachedPrefix + cachedOffset;
}

export interface MetricDeclaration {
  name: string;
  type: string;
  contains: string;
  thresholds: string[];
  submetrics: { name: string; suffix: string; tags: Tags }[] | null;
}

export class JsonOut {
  private readonly out: WriteStream;
  private readonly gzip: Gzip | null;
  private readonly declared = new Set<string>();
  private readonly tmp: string;
  private chunks: string[] = [];
  private size = 0;

  constructor(
    private readonly file: string,
    private readonly declaration: (metric: string) => MetricDeclaration,
  ) {
    this.tmp = `${file}.partial-${process.pid}`;
    this.out = createWriteStream(this.tmp);
    this.gzip = file.endsWith('.gz') ? createGzip({ level: 1 }) : null;
    if (this.gzip) this.gzip.pipe(this.out);
  }

  private write(s: string) {
    this.chunks.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }

  private flush() {
    if (!this.chunks.length) return;
    const text = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    (this.gzip ?? this.out).write(text);
  }

  series(metric: string, tags: Tags, times: ArrayLike<number>, values: ArrayLike<number>) {
    if (!this.declared.has(metric)) {
      this.declared.add(metric);
      this.write(JSON.stringify({ type: 'Metric', data: this.declaration(metric), metric }) + '\n');
    }
    const head = `{"metric":${JSON.stringify(metric)},"type":"Point","data":{"time":"`;
    const keys = Object.keys(tags).sort();
    const tail = `,"tags":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(tags[k])}`).join(',')}}}}\n`;
    for (let i = 0; i < times.length; i++) {
      const v = values[i];
      this.write(`${head}${rfc3339Nano(times[i])}","value":${Number.isFinite(v) ? v : 0}${tail}`);
    }
  }

  close(): Promise<void> {
    this.flush();
    return new Promise((resolve, reject) => {
      this.out.on('error', reject);
      this.out.on('close', () => {
        try {
          renameSync(this.tmp, this.file);
          resolve();
        } catch (e) {
          reject(e);
        }
      });
      (this.gzip ?? this.out).end();
    });
  }
}
