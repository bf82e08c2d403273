// Waiting without blocking the VU's event loop: k6's sleep() would hold the whole VU, and runners that
// serve many VUs on one thread serve only the asynchronous form.
import { setTimeout } from 'k6/timers';

/** Resolves after `seconds` (k6's sleep takes seconds too). */
export function delay(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}
