// A VU's view of the scenario it runs: exec.scenario's fields.
import type { Scenario } from './options.js';

export interface ScenarioState {
  scenario: Scenario;
  /** Epoch ms when the scenario started. */
  start: number;
  progress(): number;
  /** The scenario-wide index of the iteration running: in the instance and in the test. */
  iterationInInstance: number;
  iterationInTest: number;
}
