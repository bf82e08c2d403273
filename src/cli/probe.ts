// `sndsbench probe --host P`: which S3 features a host has; exit code 1 when one the scenarios need is missing.
import type { Argv } from 'yargs';
import { loadProfile } from '../hosts/profile.js';
import { preflight } from '../hosts/preflight.js';
import { probe, REQUIRED } from '../hosts/probe.js';
import { describeLimits } from '../hosts/limits.js';
import { type SetExitCode } from './args.js';

export function probeCommand(y: Argv, exit: SetExitCode): Argv {
  return y.command(
    'probe',
    'Observe which S3 features a host has (single PUT, multipart, range GET, listing pages, metadata, checksums, ' +
      'addressing), with real requests under a prefix removed afterwards',
    (y) =>
      y
        .option('host', { type: 'string', demandOption: true, describe: 'host profile name (hosts/NAME.json) or path' })
        .option('json', { type: 'boolean', default: false }),
    async (a) => {
      const p = loadProfile(a.host);
      await preflight(p);
      const seen = await probe(p);
      if (a.json)
        console.log(
          JSON.stringify({ host: p.name, provider: p.provider, capabilities: seen, limits: p.limits }, null, 1),
        );
      else {
        for (const o of seen) console.log(`${o.capability.padEnd(24)} ${o.ok ? 'yes' : 'NO '}  ${o.detail}`);
        const limits = describeLimits(p.limits);
        console.log(limits.length ? `published limits of ${p.name}:` : `${p.name}'s profile publishes no limits`);
        for (const l of limits) console.log(`  ${l}`);
      }
      const missing = seen.filter((o) => !o.ok && REQUIRED.includes(o.capability));
      if (missing.length) {
        const names = missing.map((o) => o.capability).join(', ');
        console.error(`sndsbench: ${p.name} lacks ${names}, which the scenarios need`);
      }
      exit(missing.length ? 1 : 0);
    },
  );
}
