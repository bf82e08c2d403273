// The multipart loop of the scenarios: the parts of an upload already created, each recorded, then the
// completion; a failed part aborts the upload, so no orphan parts stay billed on the host.
import type { S3 } from './s3.ts';
import { record } from './metrics.ts';

/** Sends `size` bytes in parts of `part` (the last may be shorter), the bytes of each from `chunk`.
 * True when every part and the completion were acknowledged. */
export async function uploadParts(
  s3: S3,
  key: string,
  uploadId: string,
  size: number,
  part: number,
  chunk: (offset: number, length: number) => ArrayBuffer,
): Promise<boolean> {
  const etags: string[] = [];
  for (let offset = 0, n = 1; offset < size; offset += part, n++) {
    const body = chunk(offset, Math.min(part, size - offset));
    const r = await s3.uploadPart(key, uploadId, n, body);
    if (!record('multipart_part', r, body.byteLength)) {
      await s3.abortMultipart(key, uploadId);
      return false;
    }
    etags.push(String(r.headers.Etag || r.headers.ETag || ''));
  }
  return record('put', await s3.completeMultipart(key, uploadId, etags), 0);
}
