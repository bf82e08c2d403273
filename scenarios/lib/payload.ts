// Object bodies made once per VU in the init context: a repeating pattern with the VU's id in the
// first bytes, so bodies differ between VUs. The pattern is written once and then doubled with
// copyWithin, which runs natively: a JavaScript loop over 16 MiB takes seconds in k6's engine.
export function makePayload(size: number, stamp: number): ArrayBuffer {
  const buf = new Uint8Array(size);
  const seed = Math.min(size, 65536);
  for (let i = 0; i < seed; i++) buf[i] = (i * 31 + stamp) & 0xff;
  for (let filled = seed; filled < size; filled *= 2) buf.copyWithin(filled, 0, Math.min(filled, size - filled));
  for (let i = 0; i < 8 && i < size; i++) buf[i] = (stamp >>> (8 * (i % 4))) & 0xff;
  return buf.buffer;
}
