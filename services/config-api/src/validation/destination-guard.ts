import { lookup } from 'node:dns/promises';
import { ValidationError } from '@herald/errors';
import { AddressGuard, DnsLookupError, SsrfRefusedError, type Resolver } from '@herald/http-guard';

/** Longest a create waits for DNS; a name that does not resolve in time is accepted (delivery re-checks). */
export const CREATE_DNS_TIMEOUT_MS = 2_000;

/** The methods whose `config.url` Herald posts to, and the setting of each that admits private addresses. */
export const ALLOW_LIST_SETTINGS = { webhook: 'WEBHOOK_ALLOW_LIST', slack: 'SLACK_ALLOW_LIST' } as const;
export type UrlMethod = keyof typeof ALLOW_LIST_SETTINGS;

/** Checks, at creation, that a notification's URL is one its delivery service will post to. */
export interface DestinationGuard {
  /** Throws a ValidationError naming `field`, the address class and the setting when refused. */
  check(method: UrlMethod, field: string, url: string): Promise<void>;
}

const boundedResolver: Resolver = (hostname) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('DNS timeout'), { code: 'ETIMEOUT' })), CREATE_DNS_TIMEOUT_MS);
  });
  return Promise.race([lookup(hostname, { all: true, verbatim: true }), timeout]).finally(() => clearTimeout(timer));
};

/**
 * The delivery services' SSRF guard (libs/http-guard) with the same allow-lists they read
 * (`WEBHOOK_ALLOW_LIST`, `SLACK_ALLOW_LIST`: set them alike on config-api and the delivery
 * service). Names are resolved now; one that does not resolve (yet) is accepted, since DNS may
 * change and delivery checks again at every connection.
 */
export function createDestinationGuard(allow: Record<UrlMethod, readonly string[]>, resolve: Resolver = boundedResolver): DestinationGuard {
  const guards = {
    webhook: new AddressGuard({ allow: allow.webhook, resolve }),
    slack: new AddressGuard({ allow: allow.slack, resolve }),
  };
  return {
    async check(method, field, url) {
      const host = new URL(url).hostname;
      try {
        await guards[method].check(host);
      } catch (err) {
        if (err instanceof DnsLookupError) return;
        if (!(err instanceof SsrfRefusedError)) throw err;
        const d = err.details ?? {};
        const name = String(d['hostname']);
        const address = String(d['address']);
        const where = name === address ? address : `${name} resolves to ${address}, which`;
        throw new ValidationError(
          field,
          `${where} is a ${String(d['kind'])} address (${String(d['range'])}): Herald does not deliver there unless ${ALLOW_LIST_SETTINGS[method]} allows it`,
        );
      }
    },
  };
}
