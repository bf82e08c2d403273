// k6/encoding: base64 in Go's four variants, decoded strictly (bad padding or characters throw).
type Input = string | ArrayBuffer | ArrayBufferView;

const toBuffer = (i: Input): Buffer =>
  typeof i === 'string'
    ? Buffer.from(i, 'utf8')
    : i instanceof ArrayBuffer
      ? Buffer.from(i)
      : Buffer.from(i.buffer, i.byteOffset, i.byteLength);

const FORMS: Record<string, { url: boolean; padded: boolean }> = {
  std: { url: false, padded: true },
  rawstd: { url: false, padded: false },
  url: { url: true, padded: true },
  rawurl: { url: true, padded: false },
};

function form(enc: string | undefined) {
  const f = FORMS[enc || 'std'];
  if (!f) throw new Error(`unknown base64 encoding: ${enc}`);
  return f;
}

export function b64encode(input: Input, enc?: string): string {
  const f = form(enc);
  let s = toBuffer(input).toString('base64');
  if (f.url) s = s.replace(/\+/g, '-').replace(/\//g, '_');
  return f.padded ? s : s.replace(/=+$/, '');
}

export function b64decode(input: string, enc?: string, format?: string): ArrayBuffer | string {
  const f = form(enc);
  const alphabet = f.url ? '[A-Za-z0-9_-]' : '[A-Za-z0-9+/]';
  const re = f.padded
    ? new RegExp(`^(${alphabet}{4})*(${alphabet}{2}==|${alphabet}{3}=)?$`)
    : new RegExp(`^(${alphabet}{4})*(${alphabet}{2,3})?$`);
  if (!re.test(input)) throw new Error(`illegal base64 data in ${JSON.stringify(input.slice(0, 40))}`);
  const b = Buffer.from(f.url ? input.replace(/-/g, '+').replace(/_/g, '/') : input, 'base64');
  if (format === 's') return b.toString('utf8');
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export const encodingModule = () => ({ b64encode, b64decode });
