import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import type { AddressGuard } from './address-guard.js';

/** PEM material for HTTPS: a client certificate (mTLS) and extra trusted CAs. */
export interface TlsClientMaterial {
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Trusted in addition to Node's bundled roots (not instead: public endpoints must keep working). */
  ca?: string | Buffer;
}

export interface GuardedAgentOptions {
  guard: AddressGuard;
  tls?: TlsClientMaterial;
  /** TCP + TLS handshake limit per connection (default 10 s). */
  connectTimeoutMs?: number;
  /** Idle keep-alive sockets are closed after this long (default 30 s). */
  keepAliveTimeoutMs?: number;
  /** Sockets per origin (default 16). */
  connectionsPerOrigin?: number;
}

/**
 * An undici Agent (keep-alive pools per origin) whose every new connection is checked by the
 * address guard first and then made to the exact address that was checked, with the original host
 * name kept for TLS (SNI and certificate verification) and the Host header. Resolving and
 * connecting in one step leaves no window for DNS rebinding; IP-literal URLs are checked too.
 */
export function createGuardedAgent(opts: GuardedAgentOptions): Agent {
  const tls = opts.tls ?? {};
  const connectOpts: buildConnector.BuildOptions = {
    timeout: opts.connectTimeoutMs ?? 10_000,
    ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
    ...(tls.key !== undefined ? { key: tls.key } : {}),
    ...(tls.ca !== undefined ? { ca: [...rootCertificates, tls.ca.toString()] } : {}),
  };
  const connectTo = buildConnector(connectOpts);
  const connect: buildConnector.connector = (options, callback) => {
    const named = isIP(options.hostname) === 0;
    opts.guard.check(options.hostname).then(
      (checked) => {
        const servername = options.servername ?? (named ? options.hostname : undefined);
        connectTo({ ...options, hostname: checked.address, ...(servername ? { servername } : {}) }, callback);
      },
      (err: Error) => callback(err, null),
    );
  };
  return new Agent({
    connect,
    connections: opts.connectionsPerOrigin ?? 16,
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? 30_000,
    keepAliveMaxTimeout: Math.max(opts.keepAliveTimeoutMs ?? 30_000, 60_000),
    pipelining: 1,
  });
}
