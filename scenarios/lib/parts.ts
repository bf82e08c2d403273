// The multipart rule every uploader follows, in k6 (the migration scenario) and in Node (seed, plan,
// migrate's extrapolation) alike: this file imports nothing, so both can load it.

/** A host's published multipart bounds. */
export interface PartRules {
  min: number;
  max: number;
  maxParts: number;
}

/** S3's own bounds: parts of 5 MiB to 5 GiB, at most 10,000 of them. */
export const S3_PART_RULES: PartRules = { min: 5 * 1024 ** 2, max: 5 * 1024 ** 3, maxParts: 10000 };

/** The part size for an object of `bytes`: the one wanted, raised to fit maxParts, within the bounds. */
export function partSize(bytes: number, wanted: number, r: PartRules): number {
  return Math.min(r.max, Math.max(r.min, wanted, Math.ceil(bytes / r.maxParts)));
}

/** PUT requests an object of `bytes` takes in parts of `part`: one, or initiate + each part + complete. */
export function putRequestCount(bytes: number, part: number): number {
  return bytes <= part ? 1 : Math.ceil(bytes / part) + 2;
}
