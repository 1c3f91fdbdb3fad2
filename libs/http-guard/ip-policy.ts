import { cidrContains, parseCidr, type Cidr } from './cidr.js';
import { embeddedIpv4, type IpAddress } from './ip-address.js';

/** Why an address class is refused. */
export type BlockedKind =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'unique-local'
  | 'multicast'
  | 'reserved'
  | 'metadata';

const range = (text: string, kind: BlockedKind) => ({ cidr: parseCidr(text), kind });

/**
 * Address ranges a webhook must never reach: the host itself, private networks, link-local (which
 * holds the cloud metadata services at 169.254.169.254 and fd00:ec2::254), carrier-grade NAT,
 * multicast, and reserved or documentation ranges that have no business on the public internet.
 * Metadata addresses are listed first so they are named as such.
 */
const BLOCKED: readonly { cidr: Cidr; kind: BlockedKind }[] = [
  range('169.254.169.254/32', 'metadata'),
  range('169.254.170.2/32', 'metadata'),
  range('100.100.100.200/32', 'metadata'),
  range('fd00:ec2::254/128', 'metadata'),
  range('0.0.0.0/8', 'unspecified'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'cgnat'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'reserved'),
  range('192.0.2.0/24', 'reserved'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'reserved'),
  range('198.51.100.0/24', 'reserved'),
  range('203.0.113.0/24', 'reserved'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'),
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('64:ff9b:1::/48', 'reserved'),
  range('100::/64', 'reserved'),
  range('2001::/32', 'reserved'),
  range('2001:db8::/32', 'reserved'),
  range('fc00::/7', 'unique-local'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'reserved'),
  range('ff00::/8', 'multicast'),
];

export interface BlockedVerdict {
  kind: BlockedKind;
  /** The range that matched, e.g. `127.0.0.0/8`. */
  range: string;
}

/**
 * The blocked range an address falls in, or undefined when it may be contacted. IPv6 forms that
 * carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by the IPv4 address too.
 */
export function blockedRange(ip: IpAddress): BlockedVerdict | undefined {
  for (const b of BLOCKED) if (cidrContains(b.cidr, ip)) return { kind: b.kind, range: b.cidr.text };
  const inner = embeddedIpv4(ip);
  return inner ? blockedRange(inner) : undefined;
}
