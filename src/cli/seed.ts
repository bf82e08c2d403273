// `sndsbench seed <dir> --host P`: uploads a generated dataset to a host.
import type { Argv } from 'yargs';
import { defaultPrefix, seed } from '../dataset/seed.js';
import { loadProfile } from '../hosts/profile.js';
import { absolute, onTerminal, positiveInteger } from './args.js';

export function seedCommand(y: Argv): Argv {
  return y.command(
    'seed <dir>',
    'Upload a generated dataset to a host (parallel multipart, SHA-256 recorded, resumable)',
    (y) =>
      y
        .positional('dir', { type: 'string', demandOption: true, coerce: absolute })
        .option('host', { type: 'string', demandOption: true, describe: 'host profile name or path' })
        .option('prefix', { type: 'string', describe: 'key prefix (default: the folder name)' })
        .option('concurrency', { type: 'string', default: '4', describe: 'objects uploaded at once' })
        .option('part-size', {
          type: 'string',
          default: String(16 * 1024 * 1024),
          describe: 'multipart part size in bytes, kept within the host limits',
        }),
    async (a) => {
      let throttling = { throttled: 'none', retries: 0 };
      const objects = await seed({
        dir: a.dir,
        profile: loadProfile(a.host),
        prefix: a.prefix ?? defaultPrefix(a.dir),
        concurrency: positiveInteger('concurrency', a.concurrency, 256),
        partSize: positiveInteger('part-size', a['part-size']),
        progress: onTerminal(),
        onThrottling: (t) => (throttling = t),
      });
      const skipped = objects.filter((x) => x.skipped).length;
      console.log(
        `seeded ${objects.length} objects (${skipped} already there with the same checksum) to ${a.host}, ` +
          `each verified; throttled ${throttling.throttled}, retried requests ${throttling.retries}`,
      );
    },
  );
}
