import { HeraldError } from '@herald/errors';
import { parseIp, samePrefix, type IpAddress } from './ip-address.js';

/** An address range: `10.0.0.0/8`, `fc00::/7`, or a single address. */
export interface Cidr {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
  text: string;
}

/** Parses `a.b.c.d/n`, `x::y/n` or a bare address (a /32 or /128); throws on anything else. */
export function parseCidr(text: string): Cidr {
  const [addr = '', bits, extra] = text.trim().split('/');
  const ip = parseIp(addr);
  const max = ip?.family === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!ip || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
    throw new HeraldError('CIDR_INVALID', `not an address or CIDR range: ${JSON.stringify(text)}`);
  }
  return { family: ip.family, bytes: ip.bytes, prefix, text: text.trim() };
}

/** True when `ip` lies in `range` (families must match). */
export function cidrContains(range: Cidr, ip: IpAddress): boolean {
  return range.family === ip.family && samePrefix(range.bytes, ip.bytes, range.prefix);
}
