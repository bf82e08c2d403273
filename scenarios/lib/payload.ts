// Synthetic object bodies: a repeating pattern stamped in its first bytes (with a VU's id, an object's
// index or an iteration's number), so bodies differ. Large ones are made once, in the init context or in
// setup. The pattern is written once and then doubled with copyWithin, which runs natively: a JavaScript
// loop over 16 MiB takes seconds in k6's engine.
export function makePayload(size: number, stamp: number): ArrayBuffer {
  const buf = new Uint8Array(size);
  const seed = Math.min(size, 65536);
  for (let i = 0; i < seed; i++) buf[i] = (i * 31 + stamp) & 0xff;
  for (let filled = seed; filled < size; filled *= 2) buf.copyWithin(filled, 0, Math.min(filled, size - filled));
  for (let i = 0; i < 8 && i < size; i++) buf[i] = (stamp >>> (8 * (i % 4))) & 0xff;
  return buf.buffer;
}
