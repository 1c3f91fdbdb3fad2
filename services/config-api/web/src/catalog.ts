/**
 * What the create form offers: the events of SPEC §1 (and Quay's quota events) with their filter fields (§2) and the 6
 * methods of §3 with their config fields (each method's own, from libs/methods). Field keys are
 * the request paths the server names in a 400's `field` (`config.room_id`, `eventConfig.level`),
 * so an error lands beside its control. catalog.test.ts keeps the events equal to the service's.
 */
import { METHOD_MODULES, methodModule, type FieldSpec } from '@herald/methods';
import { describeTagFilter } from './tag-filter.js';

export type { FieldKind, FieldSpec } from '@herald/methods';

export interface EventSpec {
  kind: string;
  label: string;
  filters: readonly FieldSpec[];
  /** Whether the event lists tags and takes the tag filter (`tag-glob` / `tag-regex`, tag-filter.ts). */
  tagFilter?: boolean;
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
  { kind: 'repo_push', label: 'Push to Repository', filters: [], tagFilter: true },
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
    tagFilter: true,
  },
  { kind: 'repo_mirror_sync_started', label: 'Repository Mirror Started', filters: [] },
  { kind: 'repo_mirror_sync_success', label: 'Repository Mirror Successful', filters: [] },
  { kind: 'repo_mirror_sync_failed', label: 'Repository Mirror Unsuccessful', filters: [] },
  {
    kind: 'repo_image_expiry',
    label: 'Image Expiry Trigger',
    filters: [{ key: 'eventConfig.days', label: 'Days before an image expires', kind: 'number', required: true, placeholder: '7' }],
    tagFilter: true,
  },
  { kind: 'quota_warning', label: 'Quota Warning', filters: [] },
  { kind: 'quota_error', label: 'Quota Exceeded', filters: [] },
];

/** The methods and their config fields, from each method's module (libs/methods). */
export const METHODS: readonly MethodSpec[] = METHOD_MODULES.map((m) => ({ method: m.method, label: m.label, fields: m.form }));

export function eventSpec(kind: string): EventSpec | undefined {
  return EVENTS.find((e) => e.kind === kind);
}

export function methodSpec(method: string): MethodSpec | undefined {
  return METHODS.find((m) => m.method === method);
}

export const eventLabel = (kind: string): string => eventSpec(kind)?.label ?? kind;
export const methodLabel = (method: string): string => methodSpec(method)?.label ?? method;

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** The filters in words, for the list; '' when the event has none. */
export function describeFilter(event: string, ec: Record<string, unknown>): string {
  const tags = eventSpec(event)?.tagFilter ? describeTagFilter(ec) : '';
  return [baseFilter(event, ec), tags].filter((s) => s !== '').join('; ');
}

function baseFilter(event: string, ec: Record<string, unknown>): string {
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
  return methodModule(method)?.describe(config) ?? '';
}
