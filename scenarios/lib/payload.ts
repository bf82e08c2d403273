// Object bodies made once per VU in the init context: a repeating pattern with the VU's id in the
// first bytes, so bodies differ between VUs without per-iteration cost.
export function makePayload(size: number, stamp: number): ArrayBuffer {
  const buf = new Uint8Array(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 31 + stamp) & 0xff;
  for (let i = 0; i < 8 && i < size; i++) buf[i] = (stamp >>> (8 * (i % 4))) & 0xff;
  return buf.buffer;
}
