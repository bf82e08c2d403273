// Loading a script: esbuild bundles its TypeScript into one ES module, with `k6` and `k6/*` resolved to
// virtual modules that hand out the calling VU's own module objects. The bundle's body is then wrapped in
// one async function that a VU calls with its context: every VU gets its own module state (init code runs
// once per VU), while the code itself is compiled once per thread, so V8 optimises a script's functions
// for all VUs together rather than warming up one copy per VU. Anything else but relative files is refused
// here, as are the synchronous calls the engine does not serve (http.get, sleep...), each in one line.
import { build, transformSync, type Plugin } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export class LoadError extends Error {}

interface ModuleSpec {
  id: string;
  exports: string[];
  /** Blocking calls: refused at load time (the script must use the async form). */
  sync: string[];
}

/** The k6 modules the engine serves, with their named exports. */
export const MODULES: Record<string, ModuleSpec> = {
  k6: { id: 'k6', exports: ['check', 'group', 'fail', 'randomSeed'], sync: ['sleep'] },
  'k6/http': {
    id: 'http',
    exports: ['asyncRequest', 'setResponseCallback', 'expectedStatuses', 'url', 'file', 'cookieJar', 'CookieJar'],
    sync: ['request', 'get', 'post', 'put', 'del', 'patch', 'head', 'options', 'batch'],
  },
  'k6/crypto': {
    id: 'crypto',
    exports: [
      'md4',
      'md5',
      'sha1',
      'sha256',
      'sha384',
      'sha512',
      'sha512_224',
      'sha512_256',
      'ripemd160',
      'hmac',
      'createHash',
      'createHMAC',
      'randomBytes',
    ],
    sync: [],
  },
  'k6/encoding': { id: 'encoding', exports: ['b64encode', 'b64decode'], sync: [] },
  'k6/execution': { id: 'execution', exports: ['vu', 'scenario', 'instance', 'test'], sync: [] },
  'k6/metrics': { id: 'metrics', exports: ['Counter', 'Gauge', 'Rate', 'Trend'], sync: [] },
  'k6/experimental/fs': { id: 'fs', exports: ['open', 'SeekMode'], sync: [] },
  'k6/timers': { id: 'timers', exports: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'], sync: [] },
  'k6/data': { id: 'data', exports: ['SharedArray'], sync: [] },
};

const ASYNC_HINT: Record<string, string> = {
  sleep: 'await a timer instead: `await new Promise((r) => setTimeout(r, ms))` (setTimeout from k6/timers)',
};
const hint = (name: string) => ASYNC_HINT[name] ?? `use \`await http.asyncRequest(method, url, body, params)\` instead`;

function virtualModule(spec: string, m: ModuleSpec): string {
  const mod = `__k6mod_${m.id}`;
  const lines = [`const ${mod} = __k6ctx.modules[${JSON.stringify(spec)}];`, `export default ${mod};`];
  for (const e of m.exports) lines.push(`export const ${e} = ${mod}.${e};`);
  for (const e of m.sync) {
    lines.push(`function __k6sync_${m.id}_${e}(...a) { return ${mod}.${e}(...a); }`);
    lines.push(`export { __k6sync_${m.id}_${e} as ${e} };`);
  }
  return lines.join('\n');
}

const GLOBALS: Record<string, string> = {
  __ENV: '__k6ctx.env',
  __VU: '__k6ctx.vu',
  __ITER: '__k6ctx.iter',
  'Math.random': '__k6ctx.random',
  open: '__k6ctx.open',
  console: '__k6ctx.console',
  setTimeout: '__k6ctx.timers.setTimeout',
  clearTimeout: '__k6ctx.timers.clearTimeout',
  setInterval: '__k6ctx.timers.setInterval',
  clearInterval: '__k6ctx.timers.clearInterval',
};

const k6Plugin: Plugin = {
  name: 'k6-modules',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (a) => {
      if (a.kind === 'entry-point' || a.path.startsWith('./') || a.path.startsWith('../')) return undefined;
      if (a.path === 'k6' || a.path.startsWith('k6/')) {
        if (!MODULES[a.path]) return { errors: [{ text: `unsupported k6 module "${a.path}"` }] };
        return { path: a.path, namespace: 'k6' };
      }
      return { errors: [{ text: `import "${a.path}" refused: a script may import only k6, k6/* and relative files` }] };
    });
    b.onLoad({ filter: /.*/, namespace: 'k6' }, (a) => ({
      contents: virtualModule(a.path, MODULES[a.path]),
      loader: 'js',
    }));
  },
};

/** The synchronous calls a bundle makes, as `http.get` or `sleep`. */
export function syncCalls(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/(function\s+)?\b__k6sync_([a-z0-9]+)_(\w+?)\d*\s*\(/g))
    if (!m[1]) found.add(m[2] === 'k6' ? m[3] : `${m[2]}.${m[3]}`);
  // A default import is the module object itself, or an alias esbuild gives it (`var http_default = ...`).
  const names = new Map<string, string>();
  for (const m of code.matchAll(/\b(__k6mod_([a-z0-9]+))\b/g)) names.set(m[1], m[2]);
  for (const m of code.matchAll(/\b(?:var|let|const)\s+([\w$]+)\s*=\s*(__k6mod_[a-z0-9]+)\s*;/g))
    names.set(m[1], names.get(m[2]) ?? '');
  const byId = Object.values(MODULES);
  // Only from the start of a name: tried at every character, a long run of word characters (the inline
  // source map's base64) costs time quadratic in its length, 20 s for a bundle of 600 kB.
  for (const m of code.matchAll(/(?<![\w$])([\w$]+)\s*\.\s*(\w+)\s*\(/g)) {
    const id = names.get(m[1]);
    const spec = id === undefined ? undefined : byId.find((s) => s.id === id);
    if (spec?.sync.includes(m[2])) found.add(id === 'k6' ? m[2] : `${id}.${m[2]}`);
  }
  return [...found];
}

// The banner is the bundle's first line: replacing it keeps every other line (and the source map) in place.
const INSTANCE_HEADER = '/* k6 script instance */';
const UNWRAPPABLE = 'the bundle has a form this engine cannot instantiate per VU';

// esbuild ends a bundle with its one export clause, then the inline source map's comment. Only that trailing
// clause is the bundle's: a line `export { x };` elsewhere may be inside a template string, and must stay.
const TRAILING_MAP = /\n\/\/# sourceMappingURL=[^\n]*\s*$/;
const TRAILING_EXPORTS = /(?:^|\n)export\s*\{([^}]*)\};?\s*$/;

/** The bundle as `export default async function (__k6ctx)` returning the script's exports, read through
 * getters so that an exported `let` stays live as an ES module's binding does. */
export function asInstanceFactory(code: string): string {
  if (!code.startsWith(INSTANCE_HEADER)) throw new LoadError(`${UNWRAPPABLE}: it lacks the engine's banner`);
  // The source map comment stays the file's last line, where it is looked for.
  const map = TRAILING_MAP.exec(code);
  let body = map ? code.slice(INSTANCE_HEADER.length, map.index) : code.slice(INSTANCE_HEADER.length);
  const getters: string[] = [];
  const clause = TRAILING_EXPORTS.exec(body);
  if (clause) {
    body = body.slice(0, clause.index);
    for (const item of clause[1].split(',')) {
      const t = item.trim();
      if (!t) continue;
      const [local, exported = local] = t.split(/\s+as\s+/);
      const key = exported.startsWith('"') ? exported : JSON.stringify(exported);
      getters.push(`get [${key}]() { return ${local}; }`);
    }
  }
  const header = 'export default async function __k6instance(__k6ctx) {';
  const wrapped = `${header}${body}\nreturn { ${getters.join(', ')} };\n}`;
  // Any other import or export statement is now inside a function, where it does not parse: refused here
  // in one line rather than when the first VU imports the bundle.
  try {
    transformSync(wrapped, { loader: 'js', format: 'esm', target: 'es2022', logLevel: 'silent' });
  } catch (e) {
    const first = (e as { errors?: { text: string }[] }).errors?.[0]?.text ?? (e as Error).message;
    throw new LoadError(`${UNWRAPPABLE}: ${first}`);
  }
  return `${wrapped}${map ? map[0] : '\n'}`;
}

export interface LoadedScript {
  /** The entry script's path and directory (open() resolves against the directory). */
  script: string;
  dir: string;
  /** file:// URL of the bundle: its default export makes one VU's instance of the script. */
  url: string;
  cleanup(): void;
}

export async function loadScript(script: string): Promise<LoadedScript> {
  const entry = resolve(script);
  let code: string;
  try {
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      logLevel: 'silent',
      plugins: [k6Plugin],
      define: GLOBALS,
      banner: { js: INSTANCE_HEADER },
      sourcemap: 'inline',
      mainFields: ['module', 'main'],
    });
    code = out.outputFiles[0].text;
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors;
    const first = errors?.[0];
    if (first)
      throw new LoadError(`${first.location ? `${first.location.file}:${first.location.line}: ` : ''}${first.text}`);
    throw new LoadError((e as Error).message);
  }
  const sync = syncCalls(code);
  if (sync.length)
    throw new LoadError(`the script calls ${sync[0]}, a blocking call this engine does not serve: ${hint(sync[0])}`);
  const dir = mkdtempSync(join(tmpdir(), 'sndsbench-engine-'));
  const file = join(dir, 'script.mjs');
  writeFileSync(file, asInstanceFactory(code));
  return {
    script: entry,
    dir: dirname(entry),
    url: pathToFileURL(file).href,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
