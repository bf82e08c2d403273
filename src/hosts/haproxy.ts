// HAProxy's runtime API (the lab's front): how the reference cutover moves traffic between backends, and
// how a rehearsal proves where the front routes before it starts.
import net from 'node:net';
import type { HostProfile } from './profile.js';

/** One command on HAProxy's runtime API (a unix socket); returns HAProxy's answer. */
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

type Front = NonNullable<HostProfile['haproxy']>;

/** What of the backend's traffic goes to its `target` server, as HAProxy reports it ('' when nothing):
 * a server starting or running, not forced into maintenance, with a weight above 0 takes traffic. */
export async function frontRouting(h: Front): Promise<string> {
  const state = await haproxy(h.socket, `show servers state ${h.backend}`);
  // Columns: be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight ...
  for (const line of state.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[3] !== 'target') continue;
    const [operational, admin, weight] = [Number(f[5]), Number(f[6]), Number(f[7])];
    // srv_op_state 1 starting, 2 running; srv_admin_state bits 1 and 2: maintenance forced or inherited.
    if ((operational === 1 || operational === 2) && (admin & 3) === 0 && weight > 0)
      return `its server ${h.backend}/target is ready with weight ${weight}`;
  }
  return '';
}

/** Every request to the `source` server, as the lab's front starts. */
export async function routeToSource(h: Front): Promise<void> {
  for (const command of [
    `set server ${h.backend}/source state ready`,
    `set server ${h.backend}/source weight 100`,
    `set server ${h.backend}/target state maint`,
  ]) {
    const answer = await haproxy(h.socket, command);
    if (answer) throw new Error(`HAProxy refused "${command}": ${answer}`);
  }
}
