import { HeraldError } from '@herald/errors';
import { cidrContains, parseCidr, type Cidr } from './cidr.js';
import { embeddedIpv4, parseIp, type IpAddress } from './ip-address.js';

/**
 * The operator's exceptions to the SSRF policy: address ranges (`10.1.0.0/16`, `127.0.0.1`) and
 * host names (`hooks.internal`, or `*.internal` for every subdomain). An allowed host may resolve
 * to anything; an allowed range admits those addresses whatever name led to them.
 */
export class AllowList {
  private readonly ranges: Cidr[] = [];
  private readonly hosts = new Set<string>();
  private readonly suffixes: string[] = [];

  /** Throws a HeraldError `ALLOW_LIST_INVALID` naming every bad entry. */
  constructor(entries: readonly string[] = []) {
    const bad: string[] = [];
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase();
      if (entry === '') continue;
      if (/^[0-9a-f:.[\]]+(\/\d+)?$/.test(entry) && (entry.includes('/') || parseIp(entry))) {
        try {
          this.ranges.push(parseCidr(entry.replace(/^\[(.*)\]/, '$1')));
        } catch {
          bad.push(raw);
        }
      } else if (/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/.test(entry)) {
        const host = entry.replace(/\.$/, '');
        if (host.startsWith('*.')) this.suffixes.push(host.slice(1));
        else this.hosts.add(host);
      } else {
        bad.push(raw);
      }
    }
    if (bad.length > 0) throw new HeraldError('ALLOW_LIST_INVALID', `not a host name, address or CIDR range: ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
  }

  get empty(): boolean {
    return this.ranges.length === 0 && this.hosts.size === 0 && this.suffixes.length === 0;
  }

  /** True when the host name itself is allowed (lower-case, no trailing dot). */
  allowsHost(hostname: string): boolean {
    const h = hostname.toLowerCase().replace(/\.$/, '');
    return this.hosts.has(h) || this.suffixes.some((s) => h.endsWith(s));
  }

  /** True when the address (or the IPv4 address it carries) lies in an allowed range. */
  allowsAddress(ip: IpAddress): boolean {
    const inner = embeddedIpv4(ip);
    return this.ranges.some((r) => cidrContains(r, ip) || (inner !== undefined && cidrContains(r, inner)));
  }
}
