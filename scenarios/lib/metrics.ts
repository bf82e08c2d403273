// Custom metrics: bytes per operation (its rate is bytes/s), objects per operation, throttling
// (429 and 503 SlowDown) and errors by status. Tags stay low-cardinality: op and status only.
import { Counter } from 'k6/metrics';
import type { RefinedResponse, ResponseType } from 'k6/http';

export const bytes = new Counter('s3_bytes');
export const objects = new Counter('s3_objects');
export const throttled = new Counter('s3_throttled');
export const errors = new Counter('s3_errors');

/** Records one response: bytes moved on success, throttling and errors otherwise. */
export function record(op: string, r: RefinedResponse<ResponseType>, size: number): boolean {
  return recordStatus(op, r.status, size);
}

export function recordStatus(op: string, status: number, size: number): boolean {
  const ok = status >= 200 && status < 300;
  if (ok) {
    bytes.add(size, { op });
    objects.add(1, { op });
  } else {
    if (status === 429 || status === 503) throttled.add(1, { op, status: String(status) });
    errors.add(1, { op, status: String(status) });
  }
  return ok;
}
