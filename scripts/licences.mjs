#!/usr/bin/env node
// `npm run licences`: the licence of every npm package installed and of every tool `npm run setup` builds,
// and a failure on AGPL, SSPL, BUSL (and other source-available licences) or on a licence it cannot tell.
// Operators embed sndsbench in their own images: nothing it installs, builds or ships may carry those.
//   node scripts/licences.mjs [--json]
// Plain JavaScript so that it runs before the build, right after `npm ci`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** SPDX identifiers accepted; anything else fails unless it is a reviewed exception below. */
export const ALLOWED = new Set([
  'MIT',
  'MIT-0',
  'ISC',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'MPL-2.0',
  'BlueOak-1.0.0',
  'CC0-1.0',
  'CC-BY-3.0',
  'CC-BY-4.0',
  'Unlicense',
  'Python-2.0',
  'Zlib',
  'BSL-1.0', // the Boost licence, not the Business Source License
]);

/** Forbidden whatever else an expression offers: copyleft over the network, or not open source. */
const FORBIDDEN = /\b(AGPL|SSPL|BUSL|BUSINESS SOURCE|SERVER SIDE PUBLIC|ELASTIC-2\.0|COMMONS CLAUSE|CONFLUENT)/i;

/** Packages whose package.json does not state an SPDX licence, read from their own licence text. */
const REVIEWED = {
  // package.json points to tv4's licence page; the package's LICENSE offers public domain or MIT.
  'uri-templates': 'MIT',
};

/** The verdict on one licence expression: allowed when every alternative of an OR offers an allowed
 * licence and nothing forbidden appears. */
export function judge(expression) {
  if (!expression) return 'unknown';
  if (FORBIDDEN.test(expression)) return 'forbidden';
  const alternatives = expression
    .replace(/[()]/g, ' ')
    .split(/\s+OR\s+/)
    .map((a) => a.split(/\s+AND\s+/).map((x) => x.trim().replace(/\+$/, '')));
  return alternatives.some((all) => all.every((id) => ALLOWED.has(id))) ? 'allowed' : 'unknown';
}

/** A licence text's SPDX identifier, or null: the wording each licence cannot do without. */
export function identify(text) {
  if (/GNU AFFERO GENERAL PUBLIC LICENSE/i.test(text)) return 'AGPL-3.0';
  if (/Server Side Public License/i.test(text)) return 'SSPL-1.0';
  if (/Business Source License/i.test(text)) return 'BUSL-1.1';
  if (/Apache License[\s,]*Version 2\.0/i.test(text)) return 'Apache-2.0';
  if (/Mozilla Public License,?\s+(v\.|Version)\s*2\.0/i.test(text)) return 'MPL-2.0';
  if (/Permission is hereby granted, free of charge/i.test(text)) return 'MIT';
  if (/Permission to use, copy, modify, and(\/or)? distribute this software for any/i.test(text)) return 'ISC';
  if (/Redistribution and use in source and binary forms/i.test(text))
    return /Neither the name|names of its\s+contributors/i.test(text) ? 'BSD-3-Clause' : 'BSD-2-Clause';
  return null;
}

function npmPackages() {
  const found = new Map();
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      if (name.startsWith('@')) {
        walk(path);
        continue;
      }
      const manifest = join(path, 'package.json');
      if (existsSync(manifest)) {
        const p = JSON.parse(readFileSync(manifest, 'utf8'));
        let licence = typeof p.license === 'object' && p.license ? p.license.type : p.license;
        if (!licence && Array.isArray(p.licenses)) licence = p.licenses.map((l) => l.type ?? l).join(' OR ');
        if (REVIEWED[p.name] && judge(licence) !== 'allowed') licence = REVIEWED[p.name];
        if (p.name) found.set(`${p.name}@${p.version}`, { kind: 'npm', name: `${p.name}@${p.version}`, licence });
      }
      walk(join(path, 'node_modules'));
    }
  };
  walk(join(ROOT, 'node_modules'));
  return [...found.values()];
}

/** The tools setup builds, with the Go module each comes from (tools/versions.env pins the versions). */
function goTools() {
  const versions = Object.fromEntries(
    readFileSync(join(ROOT, 'tools', 'versions.env'), 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => l.split('=')),
  );
  const modules = {
    versitygw: ['github.com/versity/versitygw', versions.VERSITYGW_VERSION],
    toxiproxy: ['github.com/Shopify/toxiproxy/v2', versions.TOXIPROXY_VERSION],
    rclone: ['github.com/rclone/rclone', versions.RCLONE_VERSION],
    seaweedfs: ['github.com/seaweedfs/seaweedfs', versions.SEAWEEDFS_VERSION],
  };
  const cache = goModCache();
  return Object.entries(modules).map(([name, [module, version]]) => {
    // The licence text of the pinned module, fetched from the module proxy (as setup does) when not cached.
    const dir = cache && join(cache, escapeModule(module) + '@' + version);
    const text = dir && existsSync(dir) ? licenceText(dir) : goDownload(module, version);
    return { kind: 'tool', name: `${name} ${version} (${module})`, licence: text ? identify(text) : null };
  });
}

function goModCache() {
  try {
    return execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

// The module cache writes capitals as !lower.
const escapeModule = (m) => m.replace(/[A-Z]/g, (c) => '!' + c.toLowerCase());

function licenceText(dir) {
  const file = readdirSync(dir).find((f) => /^(LICEN[CS]E|COPYING)(\.(md|txt))?$/i.test(f));
  return file ? readFileSync(join(dir, file), 'utf8') : null;
}

function goDownload(module, version) {
  try {
    const proxy = execFileSync('go', ['env', 'GOPROXY'], { encoding: 'utf8' })
      .trim()
      .replace(/[,|]direct$/, '');
    const out = execFileSync('go', ['mod', 'download', '-json', `${module}@${version}`], {
      encoding: 'utf8',
      env: { ...process.env, GOPROXY: proxy, GONOSUMDB: module, GOFLAGS: '-mod=mod' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const dir = JSON.parse(out).Dir;
    return dir ? licenceText(dir) : null;
  } catch {
    return null;
  }
}

function main() {
  const rows = [...npmPackages(), ...goTools()].map((r) => ({ ...r, verdict: judge(r.licence) }));
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 1));
  else {
    const counts = {};
    for (const r of rows) counts[r.licence ?? 'unknown'] = (counts[r.licence ?? 'unknown'] ?? 0) + 1;
    console.log(`licences of ${rows.length} packages and tools: ${JSON.stringify(counts)}`);
    for (const r of rows.filter((r) => r.kind === 'tool')) console.log(`  ${r.name}: ${r.licence ?? 'unknown'}`);
  }
  const bad = rows.filter((r) => r.verdict !== 'allowed');
  for (const r of bad) console.error(`licences: ${r.name} is ${r.licence ?? 'of an unknown licence'} (${r.verdict})`);
  process.exit(bad.length ? 1 : 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
