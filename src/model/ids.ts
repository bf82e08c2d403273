// Identifiers are counters mapped through keyed bijections: unique at any scale by construction,
// never random, and pseudonyms carry a marker that no real SNDS pseudonym or NIR can contain.
import { mix32 } from './rng.js';

/** Crockford base32: digits and upper-case letters without I, L, O, U. */
export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A 4-round Feistel permutation of [0, 2^(2*halfBits)), halfBits <= 30.
 * Values stay below 2^60 so they are exact in a double.
 */
export function permute(value: number, halfBits: number, key: number): number {
  const size = 2 ** halfBits;
  const mask = size - 1;
  let left = Math.floor(value / size);
  let right = value % size;
  for (let round = 0; round < 4; round++) {
    const f = (mix32(right ^ mix32(key + round)) & mask) >>> 0;
    const next = (left ^ f) % size;
    left = right;
    right = next >= 0 ? next : next + size;
  }
  return left * size + right;
}

/** Fixed-width base32 of a non-negative integer below 2^53. */
export function base32(value: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = ALPHABET[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

/** Kinds of person pseudonyms; each has its own key and marker letter. */
export const PSEUDONYM_KINDS = { psa: 'P', ano: 'A' } as const;
const KIND_KEYS = { psa: 0x51ed270b, ano: 0x2c1b3c6d } as const;

/**
 * A 17-character pseudonym: `SYN` + kind letter + `-` + 12 base32 characters.
 * Real SNDS pseudonyms are 17 upper-case alphanumerics and a NIR is digits only, so the hyphen
 * alone makes a collision impossible, and the `SYN` prefix makes the data recognisable.
 */
export function pseudonym(kind: keyof typeof PSEUDONYM_KINDS, index: number, seed: number): string {
  const v = permute(index, 30, KIND_KEYS[kind] ^ seed);
  return 'SYN' + PSEUDONYM_KINDS[kind] + '-' + base32(v, 12);
}

/** Matches every pseudonym this generator writes. */
export const PSEUDONYM_PATTERN = /^SYN[PA]-[0-9A-HJKMNP-TV-Z]{12}$/;

/** 9-character health professional number: `S-` + 7 base32 characters (a real one is digits). */
export function professionalNumber(index: number, seed: number): string {
  return 'S-' + base32(permute(index, 17, 0x7f4a7c15 ^ seed), 7);
}

/** 64-character death-certificate id: `SYND-` and five 12-character permuted blocks, less one. */
export function certificateId(index: number, seed: number): string {
  let out = 'SYND-';
  for (let k = 0; k < 5; k++) out += base32(permute(index, 30, (0x3c6ef372 + k) ^ seed), 12);
  return out.slice(0, 64);
}
