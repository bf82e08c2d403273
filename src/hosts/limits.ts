// The kinds of limit a host profile may publish, declared once: what each means, its unit, and the rule
// that applies it. Profiles are checked against this list when loaded (an unknown or misspelt kind is
// refused), the report and `probe` print their limits from it, and a test checks that every rule named
// here exists in the code.
import { parseBandwidth } from '../util/units.js';

export type LimitUnit = 'requests/s' | 'bytes' | 'parts' | 'yes/no' | 'seconds' | 'bandwidth' | 'keys' | 'HTTP status';

export interface LimitKind {
  meaning: string;
  unit: LimitUnit;
  /** Where the limit is applied: "module#function", one or more (checked by test/unit/limits.test.ts). */
  rules: string[];
}

/** Every kind of limit, in the order the report lists them. */
export const LIMIT_KINDS = {
  requests_per_second_per_bucket: {
    meaning: 'requests of any kind a bucket accepts per second',
    unit: 'requests/s',
    rules: ['src/hosts/limits.ts#requestCaps', 'src/hosts/caps.ts#capsConfig'],
  },
  put_per_second_per_bucket: {
    meaning: 'write requests (PUT, POST, DELETE) a bucket accepts per second',
    unit: 'requests/s',
    rules: ['src/hosts/limits.ts#requestCaps', 'src/hosts/caps.ts#capsConfig'],
  },
  get_per_second_per_bucket: {
    meaning: 'read requests (GET, HEAD, listings) a bucket accepts per second',
    unit: 'requests/s',
    rules: ['src/hosts/limits.ts#requestCaps', 'src/hosts/caps.ts#capsConfig'],
  },
  over_cap_status: {
    meaning: 'what the host answers over a request cap: 503 (S3 SlowDown) or 429 (Too Many Requests)',
    unit: 'HTTP status',
    rules: ['src/hosts/caps.ts#capsConfig'],
  },
  bandwidth_per_connection: {
    meaning: 'bytes per second one connection carries, as published (for example "1Gbit")',
    unit: 'bandwidth',
    rules: ['src/hosts/limits.ts#connectionBandwidth'],
  },
  max_object: {
    meaning: 'largest object the host stores',
    unit: 'bytes',
    rules: ['scenarios/lib/parts.ts#partPlan'],
  },
  max_single_put: {
    meaning: 'largest object one PUT may carry; larger ones go in parts',
    unit: 'bytes',
    rules: ['scenarios/lib/parts.ts#partPlan'],
  },
  part_size_min: {
    meaning: 'smallest part of a multipart upload (the last part may be smaller)',
    unit: 'bytes',
    rules: ['scenarios/lib/parts.ts#partPlan'],
  },
  part_size_max: {
    meaning: 'largest part of a multipart upload',
    unit: 'bytes',
    rules: ['scenarios/lib/parts.ts#partPlan'],
  },
  max_parts: {
    meaning: 'most parts in one multipart upload (part numbers 1 to this)',
    unit: 'parts',
    rules: ['scenarios/lib/parts.ts#partPlan'],
  },
  equal_parts: {
    meaning: 'every part but the last has the same size',
    unit: 'yes/no',
    rules: ['scenarios/lib/parts.ts#partPlan'],
  },
  upload_time_limit_s: {
    meaning: 'time within which one upload request must finish',
    unit: 'seconds',
    rules: ['scenarios/lib/parts.ts#partPlan', 'src/hosts/parts.ts#partRules'],
  },
  keys_per_batch_delete: {
    meaning: 'most keys in one DeleteObjects request',
    unit: 'keys',
    rules: ['src/hosts/sync.ts#deleteKeys'],
  },
} as const satisfies Record<string, LimitKind>;

export type LimitName = keyof typeof LIMIT_KINDS;

/** A profile's published limits: any of the kinds above, null where the host publishes none. */
export type Limits = {
  [K in LimitName]?: (typeof LIMIT_KINDS)[K]['unit'] extends 'yes/no'
    ? boolean | null
    : (typeof LIMIT_KINDS)[K]['unit'] extends 'bandwidth'
      ? string | null
      : number | null;
};

/** Why a profile's `limits` cannot be used, or null: an unknown kind, or a value of the wrong type. */
export function limitsProblem(limits: unknown): string | null {
  if (limits === undefined || limits === null) return null;
  if (typeof limits !== 'object' || Array.isArray(limits)) return 'limits must be an object';
  for (const [name, value] of Object.entries(limits)) {
    const kind = (LIMIT_KINDS as Record<string, LimitKind>)[name];
    if (!kind) return `unknown limit "${name}" (known: ${Object.keys(LIMIT_KINDS).join(', ')})`;
    if (value === null) continue;
    if (kind.unit === 'yes/no') {
      if (typeof value !== 'boolean') return `limit ${name} must be true or false`;
    } else if (kind.unit === 'bandwidth') {
      if (typeof value !== 'string' || !parseBandwidth(value, true))
        return `limit ${name} must be a rate such as "1Gbit"`;
    } else if (kind.unit === 'HTTP status') {
      if (value !== 503 && value !== 429) return `limit ${name} must be 503 or 429`;
    } else if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value))
      return `limit ${name} must be a positive number of ${kind.unit}`;
  }
  return null;
}

/** Bytes per second one connection carries, or null when the host publishes no figure. */
export function connectionBandwidth(limits: Limits): number | null {
  return limits.bandwidth_per_connection ? parseBandwidth(limits.bandwidth_per_connection, true) : null;
}

/** Requests per second a bucket accepts, by kind: writes, reads, and all together (null where none). */
export interface RequestCaps {
  write: number | null;
  read: number | null;
  all: number | null;
}

/** The caps that bind each kind: a write is also bounded by the cap on all requests. */
export function requestCaps(limits: Limits): RequestCaps {
  const all = limits.requests_per_second_per_bucket ?? null;
  const min = (a: number | null | undefined) => (a == null ? all : all === null ? a : Math.min(a, all));
  return { write: min(limits.put_per_second_per_bucket), read: min(limits.get_per_second_per_bucket), all };
}

/** One line per published limit, in the declared order: "meaning: value unit". */
export function describeLimits(limits: Limits): string[] {
  const out: string[] = [];
  for (const [name, kind] of Object.entries(LIMIT_KINDS) as [LimitName, LimitKind][]) {
    const v = limits[name];
    if (v === undefined || v === null) continue;
    const shown =
      kind.unit === 'yes/no'
        ? v
          ? 'yes'
          : 'no'
        : kind.unit === 'bandwidth' || kind.unit === 'HTTP status'
          ? String(v)
          : `${v.toLocaleString('en')} ${kind.unit}`;
    out.push(`${name}: ${shown} (${kind.meaning})`);
  }
  return out;
}
