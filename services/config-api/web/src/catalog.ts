/**
 * What the create form offers: the 11 events of SPEC §1 with their filter fields (§2) and the 6
 * methods of §3 with their config fields. Field keys are the request paths the server names in a
 * 400's `field` (`config.room_id`, `eventConfig.level`), so an error lands beside its control.
 * catalog.test.ts keeps these lists equal to the service's own.
 */
export type FieldKind = 'text' | 'url' | 'textarea' | 'number' | 'secret' | 'select' | 'email';

export interface FieldSpec {
  key: string;
  label: string;
  kind: FieldKind;
  hint?: string;
  required?: boolean;
  placeholder?: string;
  options?: ReadonlyArray<{ value: string; label: string }>;
}

export interface EventSpec {
  kind: string;
  label: string;
  filters: readonly FieldSpec[];
}

export interface MethodSpec {
  method: string;
  label: string;
  fields: readonly FieldSpec[];
}

export const PRIORITIES = ['Critical', 'High', 'Medium', 'Low', 'Negligible', 'Unknown'] as const;

const REF_REGEX: FieldSpec = {
  key: 'eventConfig.ref-regex',
  label: 'Only for references matching (regular expression)',
  kind: 'text',
  placeholder: '(refs/heads/somebranch)|(refs/tags/sometag)',
  hint: 'Matched from the start of the build’s full ref, as in Quay: (refs/heads/main)|(refs/tags/v.*) — not heads/main. Empty: every build.',
};

const build = (kind: string, label: string): EventSpec => ({ kind, label, filters: [REF_REGEX] });

export const EVENTS: readonly EventSpec[] = [
  { kind: 'repo_push', label: 'Push to Repository', filters: [] },
  build('build_queued', 'Dockerfile Build Queued'),
  build('build_start', 'Dockerfile Build Started'),
  build('build_success', 'Dockerfile Build Successfully Completed'),
  build('build_failure', 'Dockerfile Build Failed'),
  build('build_cancelled', 'Dockerfile Build Cancelled'),
  {
    kind: 'vulnerability_found',
    label: 'Package Vulnerability Found',
    filters: [
      {
        key: 'eventConfig.level',
        label: 'Minimum severity level',
        kind: 'number',
        placeholder: '2',
        hint: PRIORITIES.map((p, i) => `${i} ${p}`).join(' · ') + '. Fires for this level and anything more severe. Empty: every vulnerability.',
      },
    ],
  },
  { kind: 'repo_mirror_sync_started', label: 'Repository Mirror Started', filters: [] },
  { kind: 'repo_mirror_sync_success', label: 'Repository Mirror Successful', filters: [] },
  { kind: 'repo_mirror_sync_failed', label: 'Repository Mirror Unsuccessful', filters: [] },
  {
    kind: 'repo_image_expiry',
    label: 'Image Expiry Trigger',
    filters: [{ key: 'eventConfig.days', label: 'Days before an image expires', kind: 'number', required: true, placeholder: '7' }],
  },
];

export const METHODS: readonly MethodSpec[] = [
  {
    method: 'quay_notification',
    label: 'In-app notification (the bell)',
    fields: [
      {
        key: 'config.target.kind',
        label: 'Recipient kind',
        kind: 'select',
        options: [
          { value: 'user', label: 'User' },
          { value: 'team', label: 'Team' },
          { value: 'org', label: 'Organization admins' },
        ],
      },
      { key: 'config.target.name', label: 'Recipient name', kind: 'text', required: true, placeholder: 'alice, ns/owners or ns' },
    ],
  },
  {
    method: 'email',
    label: 'E-mail',
    fields: [
      {
        key: 'config.email',
        label: 'E-mail address',
        kind: 'email',
        required: true,
        placeholder: 'team@example.com',
        hint: 'Each address must be authorized for this repository: a confirmation link is mailed to it.',
      },
    ],
  },
  {
    method: 'webhook',
    label: 'Webhook POST',
    fields: [
      { key: 'config.url', label: 'Webhook URL', kind: 'url', required: true, placeholder: 'https://ci.example.com/hooks/registry' },
      {
        key: 'config.template',
        label: 'JSON body template (optional)',
        kind: 'textarea',
        placeholder: '{"text": "${repository} updated: ${updated_tags}"}',
        hint: 'A JSON document; strings may hold ${jsonpath} expressions over the event. Empty: the event JSON as is.',
      },
    ],
  },
  {
    method: 'flowdock',
    label: 'Flowdock Team Notification',
    fields: [{ key: 'config.flow_api_token', label: 'Flow API token', kind: 'secret', required: true }],
  },
  {
    method: 'hipchat',
    label: 'HipChat Room Notification',
    fields: [
      { key: 'config.room_id', label: 'Room ID', kind: 'text', required: true, placeholder: '12345', hint: 'The room’s number.' },
      { key: 'config.notification_token', label: 'Room notification token', kind: 'secret', required: true },
    ],
  },
  {
    method: 'slack',
    label: 'Slack Notification',
    fields: [
      {
        key: 'config.url',
        label: 'Slack incoming webhook URL',
        kind: 'url',
        required: true,
        placeholder: 'https://hooks.slack.com/services/…',
      },
    ],
  },
];

export function eventSpec(kind: string): EventSpec | undefined {
  return EVENTS.find((e) => e.kind === kind);
}

export function methodSpec(method: string): MethodSpec | undefined {
  return METHODS.find((m) => m.method === method);
}

export const eventLabel = (kind: string): string => eventSpec(kind)?.label ?? kind;
export const methodLabel = (method: string): string => methodSpec(method)?.label ?? method;

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** The filter in words, for the list; '' when the event has none. */
export function describeFilter(event: string, ec: Record<string, unknown>): string {
  if (str(ec['ref-regex']) !== '') return `refs matching ${str(ec['ref-regex'])}`;
  if (event === 'vulnerability_found' && str(ec['level']) !== '') {
    const name = PRIORITIES[Number(ec['level'])];
    return name ? `${name} or more severe` : `level ${str(ec['level'])}`;
  }
  if (event === 'repo_image_expiry' && str(ec['days']) !== '') return `${str(ec['days'])} days before expiry`;
  return '';
}

/** Where the notification goes, from the (already masked) config of a listing. */
export function describeTarget(method: string, config: Record<string, unknown>): string {
  switch (method) {
    case 'webhook':
    case 'slack':
      return str(config['url']);
    case 'email':
      return str(config['email']);
    case 'flowdock':
      return `flow token ${str(config['flow_api_token'])}`;
    case 'hipchat':
      return `room ${str(config['room_id'])}, token ${str(config['notification_token'])}`;
    case 'quay_notification': {
      const t = (config['target'] ?? {}) as Record<string, unknown>;
      return `${str(t['kind'])} ${str(t['name'])}`.trim();
    }
    default:
      return '';
  }
}
