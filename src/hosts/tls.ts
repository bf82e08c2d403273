// The lab's certificate authority, made with openssl: hosts on 127.0.0.1 served over TLS as real
// candidates are, and the certificates the tests need to prove that a bad one is refused.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LabTls {
  /** The CA certificate clients are given (a profile's ca_bundle). */
  ca: string;
  cert: string;
  key: string;
  /** Certificate and key in one file, as HAProxy wants them. */
  combined: string;
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.error) throw new Error('openssl is missing: run "npm run setup" (it installs it from Debian)');
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr.trim().split('\n').pop()}`);
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A CA in `dir` (ca.pem, ca-key.pem), made once. */
export function certificateAuthority(dir: string, name = 'sndsbench lab CA'): { ca: string; caKey: string } {
  mkdirSync(dir, { recursive: true });
  const ca = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca-key.pem');
  if (!existsSync(ca) || !existsSync(caKey)) {
    openssl(
      [
        'req',
        '-x509',
        ...EC,
        '-keyout',
        caKey,
        '-out',
        ca,
        '-days',
        '3650',
        '-subj',
        `/CN=${name}`,
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      dir,
    );
    chmodSync(caKey, 0o600);
  }
  return { ca, caKey };
}

/** A server certificate `name`.pem signed by the CA of `dir`, for `hosts` (IP addresses or names);
 * `days` below 0 gives one that has already expired. */
export function serverCertificate(dir: string, name: string, hosts: string[], days = 825): LabTls {
  const { ca, caKey } = certificateAuthority(dir);
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}-key.pem`);
  const combined = join(dir, `${name}-combined.pem`);
  if (!existsSync(combined)) {
    const san = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
    const ext = join(dir, `${name}.ext`);
    writeFileSync(
      ext,
      `subjectAltName=${san}\nbasicConstraints=CA:FALSE\n` +
        'extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n',
    );
    openssl(['req', ...EC, '-keyout', key, '-out', `${name}.csr`, '-subj', `/CN=${hosts[0]}`], dir);
    const serial = `0x${Date.now().toString(16)}${Math.floor(Math.random() * 1e6).toString(16)}`;
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        ca,
        '-CAkey',
        caKey,
        '-set_serial',
        serial,
        '-days',
        String(days),
        '-out',
        cert,
        '-extfile',
        ext,
      ],
      dir,
    );
    rmSync(join(dir, `${name}.csr`));
    rmSync(ext);
    writeFileSync(combined, readFileSync(cert, 'utf8') + readFileSync(key, 'utf8'), { mode: 0o600 });
    chmodSync(key, 0o600);
  }
  return { ca, cert, key, combined };
}

/** The lab's CA and its certificate for 127.0.0.1, localhost and `bucket`.localhost (virtual-host
 * addressing; a wildcard under a single-label name is refused by TLS clients), in .lab/tls. */
export function labTls(lab: string, bucket: string): LabTls {
  return serverCertificate(join(lab, 'tls'), 'server', ['127.0.0.1', 'localhost', `${bucket}.localhost`]);
}
