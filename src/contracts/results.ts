// What the load commands write into results/<run-id>/ and the report reads back.

/** manifest.json: what a result was measured with. Two results are compared only when their workloads
 * match, and every figure of a report links to its run's manifest. */
export interface RunManifest {
  kind: 'run' | 'migration' | 'cutover';
  id: string;
  host: string;
  provider: string;
  scenario: string;
  /** The workload: what must be equal for two hosts' figures to stand side by side. */
  workload: Record<string, unknown>;
  object_sizes: { count: number; min: number; median: number; max: number } | null;
  tools: Record<string, string>;
  sndsbench: { version: string; commit: string };
  machine: { platform: string; cpus: number; cpu: string; memory_gb: number; node: string };
  started: string;
}
