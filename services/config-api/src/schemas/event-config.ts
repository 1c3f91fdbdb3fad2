import { Type, type TObject } from 'typebox';
import { BUILD_EVENT_KINDS, EVENT_KINDS, MAX_TAG_GLOBS, MAX_TAG_PATTERN_LENGTH, VULNERABILITY_PRIORITIES, type EventKind } from '@herald/events';

export const MAX_REF_REGEX_LENGTH = 256;
export const MAX_EXPIRY_DAYS = 3650;

const x = (text: string): { 'x-error': string } => ({ 'x-error': text });

const RefRegex = Type.Union([Type.String({ maxLength: MAX_REF_REGEX_LENGTH }), Type.Null()], {
  description: "RE2 syntax (the router's engine), matched from the start of the build's full ref, as in Quay: `(refs/heads/main)|(refs/tags/v.*)`",
  ...x(`must be a string of at most ${MAX_REF_REGEX_LENGTH} characters`),
});

const LEVEL_TEXT = 'must be an integer from 0 (Critical) to 5 (Unknown), as a number or numeric string';
const Level = Type.Union(
  [Type.Integer({ minimum: 0, maximum: 5 }), Type.String({ pattern: '^(\\s*0*[0-5]\\s*)?$' }), Type.Null()],
  { description: `Minimum severity: ${VULNERABILITY_PRIORITIES.map((p, i) => `${i} ${p}`).join(', ')}`, ...x(LEVEL_TEXT) },
);

const DAYS_TEXT = `is required for repo_image_expiry and must be an integer from 1 to ${MAX_EXPIRY_DAYS}`;
const Days = Type.Union(
  [
    Type.Integer({ minimum: 1, maximum: MAX_EXPIRY_DAYS }),
    // 1 to 3650 as a numeric string.
    Type.String({ pattern: '^\\s*0*([1-9][0-9]{0,2}|[1-2][0-9]{3}|3[0-5][0-9]{2}|36[0-4][0-9]|3650)\\s*$' }),
  ],
  { description: 'Days before an image expires', ...x(DAYS_TEXT) },
);

// The tag filter (libs/events tag-filter.ts checks the patterns after the schema): one or the other.
const TagGlob = Type.Union(
  [Type.Array(Type.String({ minLength: 1, maxLength: MAX_TAG_PATTERN_LENGTH }), { maxItems: MAX_TAG_GLOBS }), Type.Null()],
  {
    description: 'Glob patterns over the tag names (`*`, `?`, `[a-z]`, `[!a-z]`, `\\x`), each matching a whole tag: fires when one of the event\'s tags matches one, and the body lists only the matching tags',
    ...x(`must be a list of at most ${MAX_TAG_GLOBS} glob patterns of 1 to ${MAX_TAG_PATTERN_LENGTH} characters, e.g. ["v1.*", "latest"]`),
  },
);
const TagRegex = Type.Union([Type.String({ maxLength: MAX_TAG_PATTERN_LENGTH }), Type.Null()], {
  description: "One RE2 regular expression matched against whole tag names (as Quay's vulnerability tag filter): fires when one of the event's tags matches, and the body lists only the matching tags",
  ...x(`must be a string of at most ${MAX_TAG_PATTERN_LENGTH} characters`),
});
const TAG_FILTER = { 'tag-glob': TagGlob, 'tag-regex': TagRegex };

const filter = (properties: Record<string, ReturnType<typeof Type.Union>>, required: string[] = []): TObject =>
  Type.Object(
    Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, required.includes(k) ? v : Type.Optional(v)])),
    x('must be an object'),
  );

/**
 * The event filters of SPEC §2, each for the kinds it applies to. Keys of another kind's filter are
 * dropped, not refused (as Quay). A kind not listed here takes no filter.
 */
export const EVENT_FILTERS: ReadonlyArray<{ kinds: readonly EventKind[]; schema: TObject }> = [
  { kinds: BUILD_EVENT_KINDS, schema: filter({ 'ref-regex': RefRegex }) },
  { kinds: ['repo_push'], schema: filter(TAG_FILTER) },
  { kinds: ['vulnerability_found'], schema: filter({ level: Level, ...TAG_FILTER }) },
  { kinds: ['repo_image_expiry'], schema: filter({ days: Days, ...TAG_FILTER }, ['days']) },
];

const filtered = new Set(EVENT_FILTERS.flatMap((f) => f.kinds));
const unfiltered = EVENT_KINDS.filter((k) => !filtered.has(k));

export function filterOf(event: EventKind): TObject | undefined {
  return EVENT_FILTERS.find((f) => f.kinds.includes(event))?.schema;
}

export const EventKindSchema = Type.Enum([...EVENT_KINDS], { description: 'The event kind (SPEC §1)', ...x(`must be one of ${EVENT_KINDS.join(', ')}`) });

/**
 * `eventConfig` by `event`: a discriminator on the request's `event` picks the kind's filter.
 * Placed in the create body's `allOf` (the request's `eventConfig` is always present by then:
 * `event_config` or nothing becomes `eventConfig`, see routes/notifications.ts).
 */
export const EventConfigByEvent = {
  type: 'object',
  'x-error': 'must be a JSON object',
  required: ['event'],
  properties: { event: EventKindSchema },
  discriminator: { propertyName: 'event' },
  oneOf: [
    ...EVENT_FILTERS.map((f) => ({
      type: 'object',
      properties: { event: { type: 'string', enum: [...f.kinds] }, eventConfig: f.schema },
    })),
    ...(unfiltered.length > 0
      ? [{ type: 'object', properties: { event: { type: 'string', enum: unfiltered }, eventConfig: { type: 'object', ...x('must be an object') } } }]
      : []),
  ],
};
