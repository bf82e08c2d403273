// Vega-Lite specifications rendered to SVG at report time, in Node: the pages need no script and no
// network to show their charts.
import * as vega from 'vega';
import * as vl from 'vega-lite';

export type Spec = vl.TopLevelSpec;

/** Text for an HTML page. */
export const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export async function svg(spec: Spec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile({ background: 'white', ...spec } as Spec).spec), {
    renderer: 'none',
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
