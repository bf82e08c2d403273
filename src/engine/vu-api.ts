// What the k6 modules see of their VU (kept apart from vu.ts so that the modules do not import it).
import type { HttpClient } from './http.js';
import type { Tags } from './metrics.js';
import type { Shared } from './vu-context.js';
import type { ScenarioState } from './scenario-state.js';

export interface VuApi {
  readonly id: number;
  readonly idInTest: number;
  readonly iter: number;
  readonly iterInScenario: number;
  readonly initPhase: boolean;
  readonly scenario: ScenarioState | null;
  groupPath: string;
  readonly userTags: Tags;
  readonly metadata: Record<string, string>;
  readonly shared: Shared;
  readonly http: HttpClient;
  readonly ctx: Record<string, unknown>;
  tags(): Tags;
  interrupt(): void;
}
