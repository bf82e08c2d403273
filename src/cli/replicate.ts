// `sndsbench replicate`: the reference replication of double hosting, a process of its own that runs
// until SIGTERM (or SIGINT), so that `mirror`, a script or a person can start and stop it.
import type { Argv } from 'yargs';
import { parseSeconds } from '../util/units.js';
import { loadProfile } from '../hosts/profile.js';
import { replicate } from '../hosts/replicate.js';

export function replicateCommand(y: Argv): Argv {
  return y.command(
    'replicate',
    'Keep the new host in step with the old one (new objects, overwrites, deletions) until stopped',
    (y) =>
      y
        .option('from', { type: 'string', demandOption: true, describe: 'the old host' })
        .option('to', { type: 'string', demandOption: true, describe: 'the new host' })
        .option('prefix', {
          type: 'array',
          string: true,
          demandOption: true,
          describe: 'a prefix to keep in step (repeat for several)',
        })
        .option('every', { type: 'string', default: '1s', describe: 'how often a delta sync pass starts' }),
    async (a) => {
      const every = parseSeconds('every', a.every);
      const [from, to] = [loadProfile(a.from), loadProfile(a.to)];
      const stop = new AbortController();
      for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => stop.abort());
      console.log(`replicating ${a.prefix.join(' ')} from ${from.name} to ${to.name} every ${a.every}`);
      await replicate(from, to, a.prefix.map(String), every * 1000, stop.signal, (l) =>
        console.log(`${new Date().toISOString()} ${l}`),
      );
      console.log('stopped');
    },
  );
}
