// A chart of the report: a title and a Vega-Lite specification, rendered to SVG by util/charts.ts.
import type { Spec } from '../../util/charts.js';

export interface Chart {
  title: string;
  spec: Spec;
}
