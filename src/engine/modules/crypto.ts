// k6/crypto on node:crypto: hashes, HMAC, incremental hashers and random bytes; `binary` is an ArrayBuffer.
import { createHash, createHmac, randomBytes as nodeRandom } from 'node:crypto';

type Input = string | ArrayBuffer | ArrayBufferView;

const ALGORITHMS: Record<string, string> = {
  md4: 'md4',
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  sha512_224: 'sha512-224',
  sha512_256: 'sha512-256',
  ripemd160: 'ripemd160',
};

function algorithm(a: string): string {
  const n = ALGORITHMS[a.toLowerCase().replace('-', '_')];
  if (!n) throw new Error(`invalid algorithm: ${a}`);
  return n;
}

function bytes(i: Input): Buffer {
  if (typeof i === 'string') return Buffer.from(i, 'utf8');
  if (i instanceof ArrayBuffer) return Buffer.from(i);
  if (ArrayBuffer.isView(i)) return Buffer.from(i.buffer, i.byteOffset, i.byteLength);
  if (Array.isArray(i)) return Buffer.from(i as number[]);
  throw new Error('crypto: input must be a string or an ArrayBuffer');
}

/** A digest in one of k6's output encodings. */
export function encodeDigest(d: Buffer, enc: string | undefined): string | ArrayBuffer {
  switch (enc ?? 'hex') {
    case 'hex':
      return d.toString('hex');
    case 'base64':
      return d.toString('base64');
    case 'base64url':
      return d.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
    case 'base64rawurl':
      return d.toString('base64url');
    case 'binary':
      return d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) as ArrayBuffer;
    default:
      throw new Error(`invalid output encoding: ${enc}`);
  }
}

const hash = (alg: string) => (input: Input, enc?: string) =>
  encodeDigest(createHash(algorithm(alg)).update(bytes(input)).digest(), enc);

export function cryptoModule() {
  const m: Record<string, unknown> = {};
  for (const a of Object.keys(ALGORITHMS)) m[a] = hash(a);
  m.hmac = (alg: string, secret: Input, data: Input, enc?: string) =>
    encodeDigest(createHmac(algorithm(alg), bytes(secret)).update(bytes(data)).digest(), enc);
  m.createHash = (alg: string) => {
    const h = createHash(algorithm(alg));
    return {
      update(d: Input) {
        h.update(bytes(d));
        return this;
      },
      digest: (enc?: string) => encodeDigest(h.digest(), enc),
    };
  };
  m.createHMAC = (alg: string, secret: Input) => {
    const h = createHmac(algorithm(alg), bytes(secret));
    return {
      update(d: Input) {
        h.update(bytes(d));
        return this;
      },
      digest: (enc?: string) => encodeDigest(h.digest(), enc),
    };
  };
  m.randomBytes = (n: number) => {
    const b = nodeRandom(n);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  };
  return m;
}
