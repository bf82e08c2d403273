// The multipart rule every uploader follows, in k6 (the migration and ingest scenarios) and in Node (seed,
// plan, migrate's extrapolation) alike: this file imports nothing, so both can load it.

/** A host's published multipart bounds. */
export interface PartRules {
  min: number;
  max: number;
  maxParts: number;
  /** Largest object the host stores (null: no published bound). */
  maxObject?: number | null;
  /** Largest object one PUT may carry (null: any object up to a part's size). */
  maxSinglePut?: number | null;
  /** Largest request that finishes within the host's upload time limit at the connection's bandwidth. */
  maxRequestBytes?: number | null;
  /** Every part but the last of one size (the last no larger): what every plan here gives anyway. */
  equalParts?: boolean | null;
}

/** S3's own bounds: parts of 5 MiB to 5 GiB, at most 10,000 of them. */
export const S3_PART_RULES: PartRules = { min: 5 * 1024 ** 2, max: 5 * 1024 ** 3, maxParts: 10000 };

/** How one object goes up: a single PUT, or `parts` parts of `partSize` bytes (the last shorter). Every
 * part but the last has the same size, which satisfies hosts that demand equal parts. */
export type PartPlan =
  { single: boolean; partSize: number; parts: number; requests: number; refused?: undefined } | { refused: string };

const bytesOf = (n: number) => `${n.toLocaleString('en')} bytes`;

/**
 * The plan for an object of `bytes`: parts of the size wanted, raised to the smallest size that keeps the
 * parts within maxParts (a 100 GB object on a 1,000-part host needs parts of 100 MB), within the part
 * bounds and the largest request the upload time limit allows. An object no plan fits is refused, with
 * the limit that refuses it named.
 */
export function partPlan(bytes: number, wanted: number, r: PartRules): PartPlan {
  if (r.maxObject && bytes > r.maxObject)
    return { refused: `${bytesOf(bytes)} is above the host's largest object (max_object ${bytesOf(r.maxObject)})` };
  const needed = Math.max(r.min, Math.ceil(bytes / r.maxParts));
  const ceiling = Math.min(r.max, r.maxRequestBytes ?? Infinity);
  if (needed > ceiling) {
    const limit =
      r.maxRequestBytes && r.maxRequestBytes < r.max
        ? `${r.maxParts} parts (max_parts) of at most ${bytesOf(r.maxRequestBytes)}, what one request sends ` +
          'within the upload time limit (upload_time_limit_s)'
        : `${r.maxParts} parts (max_parts) of at most ${bytesOf(r.max)} (part_size_max)`;
    return { refused: `${bytesOf(bytes)} needs parts of ${bytesOf(needed)}, above what fits: ${limit}` };
  }
  const partSize = Math.min(ceiling, Math.max(needed, wanted));
  const singleMax = Math.min(partSize, r.maxSinglePut ?? Infinity);
  if (bytes <= singleMax) return { single: true, partSize, parts: 1, requests: 1 };
  const parts = Math.ceil(bytes / partSize);
  const last = bytes - (parts - 1) * partSize;
  // Parts of one size, the last shorter: the shape a host demanding equal parts accepts.
  if (r.equalParts && last > partSize) return { refused: `the last part (${bytesOf(last)}) would be the largest` };
  return { single: false, partSize, parts, requests: parts + 2 };
}

/** The part size for an object of `bytes`: the one wanted, raised to fit maxParts, within the bounds. */
export function partSize(bytes: number, wanted: number, r: PartRules): number {
  return Math.min(r.max, Math.max(r.min, wanted, Math.ceil(bytes / r.maxParts)));
}

/** PUT requests an object of `bytes` takes in parts of `part`: one, or initiate + each part + complete. */
export function putRequestCount(bytes: number, part: number): number {
  return bytes <= part ? 1 : Math.ceil(bytes / part) + 2;
}
