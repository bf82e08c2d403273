// Log lines as k6 prints them: logrus text (`time="..." level=info msg="..." source=console`) or, with
// `--log-format json`, one JSON object a line with sorted keys and <, >, & escaped.
import { rfc3339Seconds } from './jsonout.js';

export type Level = 'debug' | 'info' | 'warning' | 'error';
export type LogFields = Record<string, string | number | boolean>;

const escapeHtml = (s: string) => s.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

export function formatLog(json: boolean, level: Level, msg: string, fields: LogFields = {}, now = Date.now()): string {
  const time = rfc3339Seconds(now);
  if (json) {
    const all: Record<string, unknown> = { ...fields, level, msg, time };
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(all).sort()) sorted[k] = all[k];
    return escapeHtml(JSON.stringify(sorted));
  }
  const q = (v: unknown) => {
    const s = String(v);
    return /^[A-Za-z0-9_.:/+-]+$/.test(s) ? s : JSON.stringify(s);
  };
  const extra = Object.keys(fields)
    .sort()
    .map((k) => ` ${k}=${q(fields[k])}`)
    .join('');
  return `time=${JSON.stringify(time)} level=${level} msg=${JSON.stringify(msg)}${extra}`;
}

/** console.log's arguments joined as k6 renders them: strings as they are, objects JSON-like. */
export function renderArgs(args: unknown[]): string {
  return args.map(renderOne).join(' ');
}

function renderOne(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Error) return v.message;
  if (typeof v === 'function') return '[object Function]';
  if (v === undefined) return 'undefined';
  if (typeof v !== 'object' || v === null) return String(v);
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(v, (_k, x: unknown) => {
      if (typeof x === 'function') return '[object Function]';
      if (x && typeof x === 'object') {
        if (seen.has(x)) return '[Circular]';
        seen.add(x);
      }
      return x;
    });
  } catch {
    return String(v);
  }
}
