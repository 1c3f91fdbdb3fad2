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
  /** Only in the 201 response to a create. */
  signing_secret?: string;
}

export interface ViewOptions {
  /** Mask secrets in `config` (listings). */
  mask: boolean;
  /** Include the signing secret: only in the response to the create that generated it. */
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
  };
  if (opts.withSigningSecret) v.signing_secret = n.signing_secret;
  return v;
}
