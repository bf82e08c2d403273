// The demo end to end, and its two reports opened in headless Chromium as an evaluator would open
// them: every chart drawn, no console error, the verdicts the lab's two candidates deserve. Screenshots
// are kept in test-artifacts/. Also: no lab secret anywhere in the outputs, and the CI examples call
// commands that exist.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratch } from './support/scratch.js';
import { chromium, type Page } from 'playwright-core';
import { parse } from 'yaml';
import { LAB, lacking } from './support/tools.js';

const skip = lacking(__filename, [...LAB, 'chromium']);
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const out = scratch('demo');

function cli(args: string[]) {
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
}

/** Opens a page in headless Chromium; returns what a person would check, and keeps a screenshot. */
async function open(file: string, screenshot: string, inspect: (page: Page) => Promise<unknown>) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${file}`);
    const figures = await page.$$eval('figure', (figs) =>
      figs.map((f) => ({
        title: f.querySelector('figcaption')?.textContent ?? '',
        marks: f.querySelectorAll(
          'svg g[class*="mark-"] > path, svg g[class*="mark-"] > line, svg g[class*="mark-"] > rect',
        ).length,
      })),
    );
    const extra = await inspect(page);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, screenshot), fullPage: true });
    return { errors, figures, extra };
  } finally {
    await browser.close();
  }
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

describe.skipIf(skip)('demo and reports', () => {
  beforeAll(() => {
    const r = spawnSync('node', [CLI, 'demo', '--out', out], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(join(out, 'report', 'report.html'));
  });

  it('the evaluator report: every chart drawn, no console error, the expected verdicts', async () => {
    const { errors, figures, extra } = await open(join(out, 'report', 'report.html'), 'report.png', (page) =>
      page.$$eval('#scorecard tr', (rows) =>
        rows
          .slice(1)
          .map((tr) =>
            [...tr.querySelectorAll('td')].map((td) => td.getAttribute('data-verdict') ?? td.textContent ?? ''),
          ),
      ),
    );
    expect(errors).toEqual([]);
    const titles = figures.map((f) => f.title);
    for (const t of [
      'ingest: throughput over time',
      'ingest: latency distribution',
      'read: latency distribution',
      'migration time per candidate against the window',
      'mirror: replication lag distribution',
    ])
      expect(titles).toContain(t);
    expect(titles.filter((t) => t.startsWith('cutover on') && t.includes('steps shaded'))).toHaveLength(2);
    for (const host of ['local-target', 'local-target-capped'])
      for (const t of ['replication lag over time', 'divergence over time'])
        expect(titles).toContain(`mirror to ${host}: ${t}`);
    for (const f of figures) expect(f.marks, `${f.title} has no marks`).toBeGreaterThan(0);
    const row = (label: string) => (extra as string[][]).find((r) => r[0] === label)!.slice(2);
    // Columns: local-target, local-target-capped (5 MB/s per connection).
    expect(row('Ingest throughput (MiB/s)')).toEqual(['PASS', 'FAIL']);
    expect(row('Migration fits the window')).toEqual(['PASS', 'FAIL']);
    expect(row('Lost writes at cutover')).toEqual(['PASS', 'PASS']);
    expect(row('Stale reads after the switch')).toEqual(['PASS', 'PASS']);
    expect(row('Read-your-writes violations (progressive cutover)')).toEqual(['PASS', 'PASS']);
    expect(row('Objects out of step after catch-up')).toEqual(['PASS', 'PASS']);
    expect(row('Replication lag p99 while double hosting (s)')).toEqual(['PASS', 'PASS']);
  });

  it('the dataset realism report: nine charts drawn against their references, every check passed', async () => {
    const { errors, figures, extra } = await open(join(out, 'report', 'dataset.html'), 'dataset.png', (page) =>
      page.$$eval('#checks tr', (rows) => rows.slice(1).map((tr) => tr.lastElementChild?.textContent ?? '')),
    );
    expect(errors).toEqual([]);
    expect(figures).toHaveLength(9);
    expect(figures.some((f) => f.title.startsWith('Each published marginal in its allowed range'))).toBe(true);
    for (const f of figures) expect(f.marks, `${f.title} has no marks`).toBeGreaterThan(0);
    expect((extra as string[]).length).toBeGreaterThan(50);
    expect((extra as string[]).filter((v) => v !== 'ok')).toEqual([]);
  });

  it('no secret of the lab in any report, result, log or summary', () => {
    const secrets = readFileSync(join(ROOT, '.lab', 'credentials.env'), 'utf8')
      .trim()
      .split('\n')
      .filter((l) => /_KEY=/.test(l))
      .map((l) => l.slice(l.indexOf('=') + 1));
    const outputs = files(out).filter((f) => !f.endsWith('.parquet'));
    expect(outputs.length).toBeGreaterThan(30);
    for (const f of outputs) {
      const text = (f.endsWith('.gz') ? gunzipSync(readFileSync(f)) : readFileSync(f)).toString('utf8');
      for (const s of secrets) expect(text.includes(s), `${f} leaks a secret`).toBe(false);
    }
  });
});

describe('CI examples', () => {
  const help = cli(['--help']).stdout;
  const scripts = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts);
  for (const file of ['gitlab-ci.yml', 'github-actions.yml']) {
    it(`${file} parses and calls existing commands`, () => {
      const doc = parse(readFileSync(join(ROOT, 'examples', 'ci', file), 'utf8'));
      expect(doc).toBeTypeOf('object');
      const text = JSON.stringify(doc);
      const commands = [...text.matchAll(/npx sndsbench (\w+)/g)].map((m) => m[1]);
      expect(commands).toEqual(expect.arrayContaining(['generate', 'seed', 'run', 'report']));
      for (const c of commands) expect(help, `sndsbench ${c}`).toMatch(new RegExp(`sndsbench ${c}\\b`));
      for (const [, s] of text.matchAll(/npm run (\w+)/g)) expect(scripts).toContain(s);
    });
  }
});
