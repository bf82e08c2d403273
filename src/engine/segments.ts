// Execution segments (k6's striping): a segment of a sequence gets, in every block of LCD consecutive
// indices, a fixed set of positions, dealt largest segment first and spread evenly. The same rule splits
// a process's share between its worker threads, so ids and iteration indices stay unique across both.

/** A rational number as [numerator, denominator], reduced. */
type Rat = [bigint, bigint];

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
const rat = (n: bigint, d: bigint): Rat => {
  const g = gcd(n, d) || 1n;
  return [n / g, d / g];
};

/** "1/4", "0.25", "25%" or "1" as a rational in [0, 1]. */
export function parseFraction(s: string): Rat {
  const t = s.trim();
  let r: Rat;
  if (/^\d+\/\d+$/.test(t)) {
    const [n, d] = t.split('/').map(BigInt);
    if (d === 0n) throw new Error(`execution segment: zero denominator in ${s}`);
    r = rat(n, d);
  } else if (/^\d+(\.\d+)?%$/.test(t)) {
    r = decimal(t.slice(0, -1), 100n);
  } else if (/^\d+(\.\d+)?$/.test(t)) {
    r = decimal(t, 1n);
  } else throw new Error(`execution segment: not a fraction: ${s}`);
  if (r[0] < 0n || r[0] > r[1]) throw new Error(`execution segment: ${s} is outside [0, 1]`);
  return r;
}

function decimal(t: string, scale: bigint): Rat {
  const [i, f = ''] = t.split('.');
  const d = 10n ** BigInt(f.length) * scale;
  return rat(BigInt(i + f), d);
}

const less = (a: Rat, b: Rat) => a[0] * b[1] < b[0] * a[1];
const same = (a: Rat, b: Rat) => a[0] * b[1] === b[0] * a[1];
const sub = (a: Rat, b: Rat): Rat => rat(a[0] * b[1] - b[0] * a[1], a[1] * b[1]);

/** The indices one segment of a sequence owns: `count(v)` of 0..v-1, and `global(k)`, its k-th. */
export interface Stripe {
  count(v: number): number;
  global(k: number): number;
}

class SequenceStripe implements Stripe {
  constructor(
    private readonly lcd: number,
    private readonly positions: number[],
  ) {}
  count(v: number): number {
    const full = Math.floor(v / this.lcd);
    const rest = v - full * this.lcd;
    let n = full * this.positions.length;
    for (const p of this.positions) if (p < rest) n++;
    return n;
  }
  global(k: number): number {
    const per = this.positions.length;
    return Math.floor(k / per) * this.lcd + this.positions[k % per];
  }
}

/** The stripe of segment (from, to] in `sequence` (the points 0 ... 1; the segment and its complements
 * when no sequence is given). */
export function stripeOf(segment: [string, string] | null, sequence: string[] | null): Stripe {
  const from = segment ? parseFraction(segment[0]) : rat(0n, 1n);
  const to = segment ? parseFraction(segment[1]) : rat(1n, 1n);
  if (!less(from, to)) throw new Error('execution segment: its start must be below its end');
  let points = sequence ? sequence.map(parseFraction) : [rat(0n, 1n), from, to, rat(1n, 1n)];
  points = points.filter((p, i) => i === 0 || !same(p, points[i - 1]));
  for (let i = 1; i < points.length; i++)
    if (!less(points[i - 1], points[i])) throw new Error('execution segment sequence: points must increase');
  const idx = points.findIndex((p, i) => i + 1 < points.length && same(p, from) && same(points[i + 1], to));
  if (idx < 0) throw new Error('execution segment: not one of the sequence');
  const lengths = points.slice(1).map((p, i) => sub(p, points[i]));
  return stripeOfLengths(lengths, idx);
}

/** The stripe of segment `index` of a sequence given by its lengths (rationals summing to at most 1). */
function stripeOfLengths(lengths: Rat[], index: number): Stripe {
  let lcdBig = 1n;
  for (const [, d] of lengths) lcdBig = (lcdBig * d) / gcd(lcdBig, d);
  const lcd = Number(lcdBig);
  const nums = lengths.map(([n, d]) => Number((n * lcdBig) / d));
  // Largest first, stable: ties keep sequence order.
  const order = nums.map((_, i) => i).sort((a, b) => nums[b] - nums[a] || a - b);
  const chosen = new Array<number>(nums.length).fill(0);
  const positions: number[][] = nums.map(() => []);
  for (let i = 0; i < lcd; i++) {
    for (const s of order) {
      // The segment's next index is due once i reaches chosen*lcd/num.
      if (chosen[s] < nums[s] && i * nums[s] >= chosen[s] * lcd) {
        chosen[s]++;
        positions[s].push(i);
        break;
      }
    }
  }
  return new SequenceStripe(lcd, positions[index]);
}

/** Share `index` of integer `weights` (a thread's VUs): positive weights only get indices. */
export function weightedStripe(weights: number[], index: number): Stripe {
  const total = weights.reduce((a, b) => a + b, 0);
  if (weights[index] <= 0) return { count: () => 0, global: () => Infinity };
  const live = weights.map((w, i) => [w, i]).filter(([w]) => w > 0);
  return stripeOfLengths(
    live.map(([w]) => rat(BigInt(w), BigInt(total))),
    live.findIndex(([, i]) => i === index),
  );
}

/** Worker `w` of `n` threads: an equal share of the process's indices, striped the same way. */
export function workerStripe(w: number, n: number): Stripe {
  return stripeOfLengths(
    Array.from({ length: n }, () => rat(1n, BigInt(n))),
    w,
  );
}

/** The inner stripe's k-th index seen through the outer one: a thread's share of a process's share. */
export function compose(outer: Stripe, inner: Stripe): Stripe {
  return {
    count: (v) => inner.count(outer.count(v)),
    global: (k) => outer.global(inner.global(k)),
  };
}
