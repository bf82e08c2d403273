// `sndsbench lab up|down|status|reset`: the local lab of real hosts on 127.0.0.1.
import type { Argv } from 'yargs';
import { DEFAULT_BASE_PORT, labDown, labReset, labStatus, labUp, S3_IMPLEMENTATIONS } from '../hosts/lab.js';
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
            'first of six consecutive ports: source, target, target via toxiproxy, front, Azurite, toxiproxy API ' +
            '(SeaweedFS takes base+10 to base+15 too); the default is SNDSBENCH_LAB_BASE_PORT when set',
        })
        .option('s3', {
          choices: S3_IMPLEMENTATIONS,
          default: 'versitygw' as const,
          describe: 'the S3 server implementation of the source and the target',
        }),
    async (a) => {
      if (a.action === 'up') {
        for (const l of await labUp(positiveInteger('base-port', a['base-port'], 65530), a.s3)) console.log(l);
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
        exit(st.every((s) => s.listening) ? 0 : 1);
      }
    },
  );
}
