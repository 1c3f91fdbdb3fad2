import { maskConfig, type NotificationDoc } from '@herald/subscriptions';

/** A notification in Quay's response shape, plus Herald's extras. */
export interface NotificationView {
  uuid: string;
  title: string | null;
  event: string;
  method: string;
  config: Record<string, unknown>;
  event_config: Record<string, unknown>;
  number_of_failures: number;
  disabled: boolean;
  disabled_reason: string | null;
  created: string;
  updated: string;
  /** Incremented on every change: a PUT sends it back (409 when it changed since). */
  version: number;
  /** Only in the 201 response to a create, or the response to a PUT that rotated it. */
  signing_secret?: string;
}

export interface ViewOptions {
  /** Mask secrets in `config` (listings). */
  mask: boolean;
  /** Include the signing secret: only in the response to the create or rotation that generated it. */
  withSigningSecret?: boolean;
}

const iso = (d: Date | string): string => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

export function notificationView(n: NotificationDoc, opts: ViewOptions): NotificationView {
  const v: NotificationView = {
    uuid: n.uuid,
    title: n.title,
    event: n.event,
    method: n.method,
    config: opts.mask ? maskConfig(n.method, n.config) : { ...n.config },
    event_config: n.event_config,
    number_of_failures: n.number_of_failures,
    disabled: n.disabled,
    disabled_reason: n.disabled_reason,
    created: iso(n.created_at),
    updated: iso(n.updated_at),
    version: n.version,
  };
  if (opts.withSigningSecret) v.signing_secret = n.signing_secret;
  return v;
}
