// handleSummary without remote imports: the whole summary as JSON where the runner asks for it,
// and a few lines on stdout.
import type { K6Summary } from '../../src/contracts/k6.ts';

export function summaryOutputs(data: K6Summary): Record<string, string> {
  const out: Record<string, string> = {};
  if (__ENV.SUMMARY_JSON) out[__ENV.SUMMARY_JSON] = JSON.stringify(data, null, 1);
  const m = data.metrics;
  const lines = Object.keys(m)
    .filter(
      (k) =>
        k.startsWith('s3_') ||
        k === 'http_req_failed' ||
        k === 'dropped_iterations' ||
        k.startsWith('http_req_duration') ||
        k.startsWith('http_req_waiting'),
    )
    .sort()
    .map(
      (k) =>
        `${k.padEnd(48)} ${Object.entries(m[k].values)
          .map(([s, v]) => `${s}=${Math.round(v * 1000) / 1000}`)
          .join(' ')}`,
    );
  out.stdout = lines.join('\n') + '\n';
  return out;
}
