// k6's durations: Go-style strings ("1m30s", "500ms", "2h", "1.5s") or numbers of milliseconds.
const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Milliseconds of a duration; throws on anything else (the caller turns it into exit 104). */
export function parseDuration(v: unknown, what: string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  if (typeof v !== 'string') throw new Error(`${what}: not a duration: ${JSON.stringify(v)}`);
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000; // a bare number of seconds, as k6's flags take it
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/gy;
  let ms = 0;
  let end = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    ms += Number(m[1]) * UNITS[m[2]];
    end = re.lastIndex;
  }
  if (end === 0 || end !== s.length) throw new Error(`${what}: not a duration: ${JSON.stringify(v)}`);
  return ms;
}

/** A duration as k6 prints it in summaries: "1m30s", "250ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms * 1000) / 1000}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.round(((ms % 60_000) / 1000) * 10) / 10;
  return `${h ? h + 'h' : ''}${h || m ? m + 'm' : ''}${s}s`;
}
