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

/** A runtime command that answers nothing when it succeeds (set server, add map...): any answer is an error. */
export async function haproxySet(socket: string, command: string): Promise<void> {
  const answer = await haproxy(socket, command);
  if (answer) throw new Error(`HAProxy refused "${command}": ${answer.split('\n')[0]}`);
}

type Front = NonNullable<HostProfile['haproxy']>;

/** What of the front's traffic goes to the new host, as HAProxy reports it ('' when nothing): the
 * backend's `target` server starting or running, not in maintenance, with a weight above 0, or a tenant
 * routed to the new host's backend. */
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
  if (h.tenant_map) {
    // `show map` lists one "<id> <key> <value>" line per entry.
    const tenants = (await haproxy(h.socket, `show map ${h.tenant_map}`)).split('\n').filter((l) => l.trim());
    if (tenants.length) return `${tenants.length} tenant(s) routed to ${h.tenant_backend ?? 'the new host'}`;
  }
  return '';
}

/** Every request to the `source` server, as the lab's front starts: no tenant moved, the target in
 * maintenance (at full weight, so that a switch which only changes its state routes to it). */
export async function routeToSource(h: Front): Promise<void> {
  if (h.tenant_map) await haproxySet(h.socket, `clear map ${h.tenant_map}`);
  for (const command of [
    `set server ${h.backend}/source weight 100`,
    `set server ${h.backend}/source state ready`,
    `set server ${h.backend}/target state maint`,
    `set server ${h.backend}/target weight 100`,
  ])
    await haproxySet(h.socket, command);
}
