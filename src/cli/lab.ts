// `sndsbench lab up|down|status|reset`: the local lab of real hosts on 127.0.0.1.
import type { Argv } from 'yargs';
import {
  DEFAULT_BASE_PORT,
  describeCaps,
  labCapsState,
  labDown,
  labReset,
  labStatus,
  labUp,
  S3_IMPLEMENTATIONS,
} from '../hosts/lab.js';
import { UsageError } from '../util/errors.js';
import { positiveInteger, type SetExitCode } from './args.js';

export function labCommand(y: Argv, exit: SetExitCode): Argv {
  return y.command(
    'lab <action>',
    'Start, stop, inspect or reset the local lab of real hosts on 127.0.0.1 (up | down | status | reset)',
    (y) =>
      y
        .positional('action', { choices: ['up', 'down', 'status', 'reset'] as const, demandOption: true })
        .option('base-port', {
          type: 'string',
          default: String(DEFAULT_BASE_PORT),
          describe:
            'first of seven consecutive ports: source, target, target via toxiproxy, front, Azurite, toxiproxy API, ' +
            'capped front ' +
            '(SeaweedFS takes base+10 to base+15 too); the default is SNDSBENCH_LAB_BASE_PORT when set',
        })
        .option('s3', {
          choices: S3_IMPLEMENTATIONS,
          default: 'versitygw' as const,
          describe: 'the S3 server implementation of the source and the target',
        })
        .option('caps', {
          type: 'string',
          describe:
            'a host profile (scaleway, outscale...) whose per-bucket request caps a second front enforces ' +
            'in front of the target, answering over them as the profile says (503 SlowDown or 429); ' +
            'its profile is local-capped',
        })
        .option('caps-scale', {
          type: 'string',
          default: '1',
          describe: 'the caps times this factor (0.02: 1,000 requests/s become 20), so that a rehearsal stays short',
        }),
    async (a) => {
      if (a.action === 'up') {
        const scale = Number(a['caps-scale']);
        if (!(scale > 0 && scale <= 1))
          throw new UsageError(`--caps-scale must be a number in (0, 1], got "${a['caps-scale']}"`);
        const caps = a.caps ? { profile: a.caps, scale } : null;
        for (const l of await labUp(positiveInteger('base-port', a['base-port'], 65530), a.s3, caps)) console.log(l);
      } else if (a.action === 'reset') {
        for (const l of await labReset()) console.log(l);
      } else if (a.action === 'down') {
        for (const l of await labDown()) console.log(l);
      } else {
        const st = await labStatus();
        for (const s of st) {
          const at = s.port ? '127.0.0.1:' + s.port : '-';
          const pid = s.pid ? 'pid ' + s.pid : 'not started';
          console.log(`${s.name.padEnd(10)} ${at}  ${pid}  ${s.listening ? 'listening' : 'down'}`);
        }
        const caps = labCapsState();
        console.log(
          caps ? `${'caps'.padEnd(10)} 127.0.0.1:${caps.port}  ${describeCaps(caps.caps)}` : 'caps       none',
        );
        exit(st.every((s) => s.listening) ? 0 : 1);
      }
    },
  );
}
