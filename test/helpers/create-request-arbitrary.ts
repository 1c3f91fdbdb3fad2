import fc from 'fast-check';

/** Valid `ref-regex` values (RE2 syntax). */
const REF_REGEXES = ['', 'refs/heads/main', 'refs/heads/(main|release-.*)', 'refs/tags/v[0-9]+\\.[0-9]+', '.*', '(?i)REFS/HEADS/dev', '[^/]+/[^/]+/x{1,3}'];
const BUILD = ['build_queued', 'build_start', 'build_success', 'build_failure', 'build_cancelled'];
const OTHER = ['repo_push', 'repo_mirror_sync_started', 'repo_mirror_sync_success', 'repo_mirror_sync_failed', 'quota_warning', 'quota_error'];

export type Body = Record<string, unknown> & { event: string; method: string; config: Record<string, unknown>; eventConfig: Record<string, unknown> };

const token = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
const name = fc.stringMatching(/^[a-z][a-z0-9_.\/-]{0,30}$/);
const templateValue = fc.oneof(
  fc.constantFrom('${repository}', '${$.updated_tags[*]}', 'tags: ${updated_tags[0]} of ${docker_url}', '${trigger_metadata.commit_info.author.username}'),
  fc.string({ maxLength: 20 }).filter((s) => !s.includes('${')),
);
const flatTemplate = fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), templateValue, { maxKeys: 4 }).map((o) => JSON.stringify(o));
/** Templates at Herald's bounds (TEMPLATE_LIMITS: nesting 32, 64 KiB) must still be accepted. */
const deepTemplate = fc
  .tuple(fc.integer({ min: 1, max: 32 }), templateValue)
  .map(([depth, leaf]) => JSON.stringify(Array.from({ length: depth }).reduce<unknown>((inner, _, i) => (i % 2 === 0 ? [inner] : { k: inner }), leaf)));
const largeTemplate = fc.integer({ min: 1_000, max: 64 * 1024 - 200 }).map((n) => JSON.stringify({ text: `\${repository} ${'x'.repeat(n)}` }));
const template = fc.oneof({ arbitrary: flatTemplate, weight: 4 }, deepTemplate, largeTemplate);
/** Templates over the bounds: too deep (up to a stack-busting 30,000) or over 64 KiB. */
const tooDeep = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

/** Method configs that satisfy SPEC §3; `email` is the address confirmed for the repository. */
function configFor(method: string, email: string): fc.Arbitrary<Record<string, unknown>> {
  switch (method) {
    case 'webhook':
      return fc.record({ url: fc.webUrl({ withQueryParameters: true }), template }, { requiredKeys: ['url'] });
    case 'slack':
      return fc.record({ url: fc.webUrl() });
    case 'hipchat':
      return fc.record({ room_id: fc.oneof(fc.stringMatching(/^[0-9]{1,10}$/), fc.nat()), notification_token: token });
    case 'flowdock':
      return fc.record({ flow_api_token: token });
    case 'email':
      return fc.constant({ email });
    default:
      return fc.record({ target: fc.record({ kind: fc.constantFrom('user', 'team', 'org'), name }) });
  }
}

// Tag filters (issue 17), stored as sent.
const TAG_FILTERS: Record<string, unknown>[] = [{ 'tag-glob': ['v1.*', 'latest'] }, { 'tag-glob': ['[!0-9]?*'] }, { 'tag-regex': '^v[0-9]+$' }, { 'tag-regex': 'release-.*' }];

function eventConfigFor(event: string): fc.Arbitrary<Record<string, unknown>> {
  if (BUILD.includes(event)) return fc.option(fc.constantFrom(...REF_REGEXES), { nil: undefined }).map((r) => (r === undefined ? {} : { 'ref-regex': r }));
  if (event === 'vulnerability_found') {
    return fc.option(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }).map(String)), { nil: undefined }).map((l) => (l === undefined ? {} : { level: l }));
  }
  if (event === 'repo_image_expiry') return fc.integer({ min: 1, max: 3650 }).map((days) => ({ days }));
  if (event === 'repo_push') return fc.option(fc.constantFrom(...TAG_FILTERS), { nil: undefined }).map((f) => f ?? {});
  return fc.constant({});
}

/** Create requests that are valid by construction. */
export function validCreateBody(confirmedEmail: string): fc.Arbitrary<Body> {
  return fc
    .record({
      event: fc.constantFrom(...BUILD, ...OTHER, 'vulnerability_found', 'repo_image_expiry'),
      method: fc.constantFrom('webhook', 'slack', 'hipchat', 'flowdock', 'email', 'quay_notification'),
      title: fc.option(fc.string({ maxLength: 50 }).filter((s) => !/\p{Cc}/u.test(s)), { nil: undefined }),
    })
    .chain(({ event, method, title }) =>
      fc.record({ config: configFor(method, confirmedEmail), eventConfig: eventConfigFor(event) }).map(({ config, eventConfig }) => ({
        event,
        method,
        config,
        eventConfig,
        ...(title === undefined ? {} : { title }),
      })),
    );
}

/** One invalidating change of a valid body, and the field the 400 must name. */
export type Mutation = [field: string, apply: (b: Body) => Body];

/** The mutations that apply to `b`. */
export function mutationsFor(b: Body): Mutation[] {
  const cfg = (c: Record<string, unknown>) => (x: Body): Body => ({ ...x, config: { ...x.config, ...c } });
  const ec = (c: Record<string, unknown>) => (x: Body): Body => ({ ...x, eventConfig: { ...x.eventConfig, ...c } });
  const m: Mutation[] = [
    ['event', (x) => ({ ...x, event: `${x.event}_x` })],
    ['method', (x) => ({ ...x, method: x.method.toUpperCase() })],
    ['config', (x) => ({ ...x, config: [x.config] as never })],
    ['title', (x) => ({ ...x, title: 42 })],
    ['eventConfig', (x) => ({ ...x, eventConfig: 'none' as never })],
  ];
  if (b.method === 'webhook' || b.method === 'slack') {
    m.push(['config.url', cfg({ url: 'gopher://example.com/' })], ['config.url', cfg({ url: 'https://exa mple.com/' })]);
  }
  if (b.method === 'webhook') {
    m.push(
      ['config.template', cfg({ template: '{"a": "${first[}"}' })],
      ['config.template', cfg({ template: '[1,' })],
      ['config.template', cfg({ template: tooDeep(33) })],
      ['config.template', cfg({ template: tooDeep(30_000) })],
      ['config.template', cfg({ template: JSON.stringify({ text: 'x'.repeat(64 * 1024) }) })],
    );
  }
  if (b.method === 'hipchat') m.push(['config.room_id', cfg({ room_id: 'r00m' })], ['config.notification_token', cfg({ notification_token: '' })]);
  if (b.method === 'flowdock') m.push(['config.flow_api_token', cfg({ flow_api_token: 7 })]);
  if (b.method === 'email') m.push(['config.email', cfg({ email: 'unconfirmed@example.com' })]);
  if (b.method === 'quay_notification') {
    m.push(['config.target.kind', cfg({ target: { kind: 'robot', name: 'x' } })], ['config.target.name', cfg({ target: { kind: 'user', name: '' } })]);
  }
  if (BUILD.includes(b.event)) m.push(['eventConfig.ref-regex', ec({ 'ref-regex': '(?<=x)y' })], ['eventConfig.ref-regex', ec({ 'ref-regex': '[z-a]' })]);
  if (b.event === 'vulnerability_found') m.push(['eventConfig.level', ec({ level: '9' })]);
  if (b.event === 'repo_image_expiry') m.push(['eventConfig.days', ec({ days: 0 })], ['eventConfig.days', ec({ days: null })]);
  if (b.event === 'repo_push' || b.event === 'vulnerability_found' || b.event === 'repo_image_expiry') {
    // A bad filter alone (the other key dropped: a valid creation may already hold one, and then the
    // 400 would name the combination instead); then both at once.
    m.push(
      ['eventConfig.tag-regex', ec({ 'tag-regex': '(?<=x)y', 'tag-glob': undefined })],
      ['eventConfig.tag-glob[0]', ec({ 'tag-glob': ['v[1-'], 'tag-regex': undefined })],
      ['eventConfig.tag-regex', ec({ 'tag-glob': ['v*'], 'tag-regex': 'v.*' })],
    );
  }
  return m;
}
