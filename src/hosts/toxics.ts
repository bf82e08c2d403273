// Faults between the client and the lab's target, through toxiproxy's HTTP API.
import { rawRequest } from './s3node.js';
import { loadProfile, type Toxic } from './profile.js';

function api(profile: string): { url: string; proxy: string } {
  const p = loadProfile(profile);
  if (!p.toxiproxy) throw new Error(`host profile ${profile} is not behind toxiproxy`);
  return { url: p.toxiproxy.api, proxy: p.toxiproxy.proxy };
}

export async function addToxic(profile: string, name: string, t: Toxic): Promise<void> {
  const { url, proxy } = api(profile);
  const r = await rawRequest(
    `${url}/proxies/${proxy}/toxics`,
    'POST',
    // No keep-alive: the next call may come after toxiproxy closed an idle connection.
    { 'content-type': 'application/json', connection: 'close' },
    JSON.stringify({ name, toxicity: 1, ...t }),
  );
  if (r.status >= 300) throw new Error(`toxiproxy refused toxic ${name}: ${r.status} ${r.body}`);
}

export async function clearToxics(profile: string): Promise<void> {
  const { url, proxy } = api(profile);
  const r = await rawRequest(`${url}/proxies/${proxy}/toxics`, 'GET', { connection: 'close' });
  for (const t of JSON.parse(r.body.toString() || '[]') as { name: string }[])
    await rawRequest(`${url}/proxies/${proxy}/toxics/${t.name}`, 'DELETE', { connection: 'close' });
}

/** Disables a proxy (its host unreachable: connections refused) or enables it again. */
export async function setProxyEnabled(profile: string, enabled: boolean): Promise<void> {
  const { url, proxy } = api(profile);
  const r = await rawRequest(
    `${url}/proxies/${proxy}`,
    'POST',
    // No keep-alive: a test calls this seconds or minutes apart, after toxiproxy closed the idle connection.
    { 'content-type': 'application/json', connection: 'close' },
    JSON.stringify({ enabled }),
  );
  if (r.status >= 300) throw new Error(`toxiproxy refused to ${enabled ? 'enable' : 'disable'} ${proxy}: ${r.status}`);
}
