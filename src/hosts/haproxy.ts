// HAProxy's runtime API (the lab's front): how the reference cutover moves traffic between backends.
import net from 'node:net';

/** One command on HAProxy's runtime API (a unix socket). */
export function haproxy(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.createConnection(socket);
    let out = '';
    c.on('connect', () => c.write(command + '\n'));
    c.on('data', (d) => (out += d));
    c.on('end', () => resolve(out.trim()));
    c.on('error', reject);
  });
}

/** A runtime command that answers nothing when it succeeds (set server, add map...): any answer is an error. */
export async function haproxySet(socket: string, command: string): Promise<void> {
  const answer = await haproxy(socket, command);
  if (answer) throw new Error(`HAProxy refused "${command}": ${answer.split('\n')[0]}`);
}
