import { lookup } from 'node:dns/promises';
import { AllowList } from './allow-list.js';
import { DnsLookupError, SsrfRefusedError } from './guard-errors.js';
import { formatIp, parseIp } from './ip-address.js';
import { blockedRange } from './ip-policy.js';

/** A resolved address that passed the policy; connect to exactly this. */
export interface CheckedAddress {
  hostname: string;
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to its addresses (default: the system resolver, every address). */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface AddressGuardOptions {
  /** Operator exceptions (host names, addresses, CIDR ranges); an AllowList or its entries. */
  allow?: AllowList | readonly string[];
  resolve?: Resolver;
}

const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/**
 * Decides whether a host may be contacted: resolves it (IP literals are not resolved) and refuses
 * it when any of its addresses is loopback, private, link-local, CGNAT, unique-local, multicast,
 * reserved or a cloud metadata address, unless the operator's allow-list admits it. Refusing when
 * any address is bad (rather than picking a good one) keeps a half-poisoned name from slipping by.
 */
export class AddressGuard {
  readonly allow: AllowList;
  private readonly resolve: Resolver;

  constructor(opts: AddressGuardOptions = {}) {
    this.allow = opts.allow instanceof AllowList ? opts.allow : new AllowList(opts.allow ?? []);
    this.resolve = opts.resolve ?? systemResolver;
  }

  /** Resolves and checks `hostname` (URL form: IPv6 may be bracketed). Throws SsrfRefusedError or DnsLookupError. */
  async check(hostname: string): Promise<CheckedAddress> {
    const host = normalizeHost(hostname);
    if (parseIp(host)) return this.decide(host, [host]);
    let found: { address: string; family: number }[];
    try {
      found = await this.resolve(host);
    } catch (err) {
      throw new DnsLookupError(host, err);
    }
    if (found.length === 0) throw new DnsLookupError(host, new Error('no addresses'));
    return this.decide(host, found.map((f) => f.address));
  }

  /**
   * The policy alone, without DNS: the first address when every address of `hostname` may be
   * contacted; throws SsrfRefusedError otherwise.
   */
  decide(hostname: string, addresses: readonly string[]): CheckedAddress {
    const host = normalizeHost(hostname);
    const hostAllowed = this.allow.allowsHost(host);
    let first: CheckedAddress | undefined;
    for (const address of addresses) {
      const ip = parseIp(address);
      if (!ip) throw new SsrfRefusedError(host, address, 'unparsable', 'n/a');
      const blocked = blockedRange(ip);
      if (blocked && !hostAllowed && !this.allow.allowsAddress(ip)) {
        throw new SsrfRefusedError(host, formatIp(ip), blocked.kind, blocked.range);
      }
      first ??= { hostname: host, address: address.split('%', 1)[0] ?? address, family: ip.family };
    }
    if (!first) throw new DnsLookupError(host, new Error('no addresses'));
    return first;
  }
}

function normalizeHost(hostname: string): string {
  const h = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return h.toLowerCase().replace(/\.$/, '');
}
