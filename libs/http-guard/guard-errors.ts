import { HeraldError } from '@herald/errors';

/**
 * A request refused by the SSRF policy, before any connection was made. Permanent: the same URL
 * will resolve to the same kind of address next time. `details.errorClass` is `ssrf`.
 */
export class SsrfRefusedError extends HeraldError {
  constructor(hostname: string, address: string, kind: string, range: string) {
    super('SSRF_REFUSED', `refused: ${hostname} resolves to ${address}, a ${kind} address (${range}); not in the allow-list`, {
      details: { errorClass: 'ssrf', hostname, address, kind, range },
    });
  }
}

/** The host name could not be resolved. Retriable: DNS outages and new records are common. */
export class DnsLookupError extends HeraldError {
  constructor(hostname: string, cause: unknown) {
    const code = (cause as { code?: unknown } | null)?.code;
    super('DNS_LOOKUP_FAILED', `cannot resolve ${hostname}${typeof code === 'string' ? ` (${code})` : ''}`, {
      retriable: true,
      cause,
      details: { errorClass: 'dns', hostname },
    });
  }
}
