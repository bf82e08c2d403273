// Rebuilds scenarios/vendor/hyparquet.js, the committed single-module copy of hyparquet and fzstd (both
// MIT) that the research scenario imports: k6 scripts may import only k6 modules and relative files.
import { rolldown } from 'rolldown';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = await rolldown({
  input: `${root}scripts/reader-entry.js`,
  cwd: root,
  platform: 'neutral',
  resolve: { mainFields: ['module', 'main'] },
});
const version = (name) => JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, 'utf8')).version;
const banner =
  `// hyparquet ${version('hyparquet')} (MIT, Hyperparam) and fzstd ${version('fzstd')} (MIT, Arjun Barrett), ` +
  'bundled by scripts/bundle-reader.mjs;\n// their licences: LICENSE.hyparquet and LICENSE.fzstd beside this file.';
await bundle.write({ file: `${root}scenarios/vendor/hyparquet.js`, format: 'esm', banner });
