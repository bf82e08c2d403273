// Quantities as people type and read them: sizes, rates and durations.
import { UsageError } from './errors.js';

const UNITS: Record<string, number> = {
  B: 1,
  kB: 1e3,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  PB: 1e15,
  EB: 1e18,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
  PiB: 2 ** 50,
};
const SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** "10Gbit", "10Gbps", "500Mbit", "1.25GB/s", "800MB/s" → bytes per second (null when lenient and unreadable). */
export function parseBandwidth(s: string, lenient = false): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKMGT]?)(bit|bps|b\/s|B\/s|B)\s*$/.exec(s);
  const scale = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  const n = m ? (Number(m[1]) * scale[m[2] as '']) / (m[3].startsWith('B') ? 1 : 8) : NaN;
  if (!(n > 0)) {
    if (lenient) return null;
    throw new UsageError(`--bandwidth must be a positive rate such as 10Gbit or 800MB/s, got "${s}"`);
  }
  return n;
}

/** "90d", "36h", "45m" → seconds. */
export function parseWindow(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/.exec(s.trim());
  if (!m || !(Number(m[1]) > 0)) {
    throw new UsageError(`--window must be a positive duration such as 90d, 36h or 45m, got "${s}"`);
  }
  return Number(m[1]) * SECONDS[m[2]];
}

/** A duration option other than --window, named in the error. */
export function parseSeconds(name: string, s: string): number {
  try {
    return parseWindow(s);
  } catch {
    throw new UsageError(`--${name} must be a duration such as 60s or 3m, got "${s}"`);
  }
}

/** "1.2PB", "800 TiB" → bytes. */
export function parseVolume(s: string, option = 'volume'): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kKMGTPE]i?B|B)$/.exec(s.trim());
  if (!m || !(m[2] in UNITS) || !(Number(m[1]) > 0)) {
    throw new UsageError(`--${option} must be a positive size such as 1.2PB or 800TiB, got "${s}"`);
  }
  return Number(m[1]) * UNITS[m[2]];
}

/** 1.2e15, 'B' → "1.20 PB". */
export function human(n: number, unit: string, k = 1000): string {
  const units = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
  let i = 0;
  while (Math.abs(n) >= k && i < units.length - 1) {
    n /= k;
    i++;
  }
  return `${n.toFixed(n < 10 && i > 0 ? 2 : n < 100 && i > 0 ? 1 : 0)} ${units[i]}${unit}`;
}

export function duration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(0)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(0)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}
