import { ValidationError } from '@herald/errors';
import { deriveRepositoryFields, MAX_VULNERABILITY_TAGS, validateEvent, VULNERABILITY_PRIORITIES, type VulnerabilityPriority } from '@herald/events';
import { ingestEventId, payloadId } from './event-id.js';
import { checkDigest, checkHost, checkTag, heraldRepository, isObject, optionalString, requiredString } from './grammar.js';
import { drop, emptyResult, type IngestResult, type PullPolicy } from './ingest-result.js';
import type { RawRecord } from './raw-record.js';

/** Harbor's event types that Herald maps; every other type is accepted, counted and dropped. */
export const HARBOR_TYPES = ['PUSH_ARTIFACT', 'PULL_ARTIFACT', 'DELETE_ARTIFACT', 'SCANNING_COMPLETED', 'SCANNING_FAILED', 'SCANNING_STOPPED'] as const;

export interface HarborOptions {
  /** docker_url's host when a resource URL names none. */
  defaultRegistryHost: string;
  /** What a PULL_ARTIFACT becomes (default `drop`). */
  pulls?: PullPolicy;
}

const SCAN_REPORT_PREFIX = 'application/vnd.security.vulnerability.report';

/**
 * Maps a Harbor webhook payload (the "Default" format: `{type, occur_at, operator, event_data:
 * {resources[], repository}}`). Harbor sends no event id: the source id is a digest of the payload,
 * so a resent payload has the same id. A push becomes one tag push per tagged resource; a completed
 * scan with findings becomes `vulnerability_found` for its tags at the report's severity (Harbor
 * reports a summary, not each CVE); failed or stopped scans, deletes and pulls are dropped.
 */
export function parseHarborPayload(body: unknown, opts: HarborOptions): IngestResult {
  if (!isObject(body)) throw new ValidationError('body', 'must be a Harbor webhook payload object');
  const type = requiredString(body, 'type', 'type');
  const occurAt = body['occur_at'];
  if (typeof occurAt !== 'number' || !Number.isFinite(occurAt) || occurAt < 0) throw new ValidationError('occur_at', 'must be a Unix time in seconds');
  const data = body['event_data'];
  if (!isObject(data)) throw new ValidationError('event_data', 'must be an object');
  const repo = data['repository'];
  if (!isObject(repo)) throw new ValidationError('event_data.repository', 'must be an object');
  const repository = heraldRepository(requiredString(repo, 'repo_full_name', 'event_data.repository.repo_full_name'), 'event_data.repository.repo_full_name');
  const resources = data['resources'] ?? [];
  if (!Array.isArray(resources) || resources.length > 1_000) throw new ValidationError('event_data.resources', 'must be an array of at most 1000 resources');
  const operator = optionalString(body, 'operator', 'operator');
  const sourceId = payloadId('harbor', body);
  const base = {
    v: 1 as const,
    source: 'harbor' as const,
    repository,
    occurred_at: Math.round(occurAt * 1000),
    ...(operator === undefined ? {} : { performer: { kind: 'user' as const, name: operator.slice(0, 255) } }),
  };
  const parsed = resources.map((r: unknown, i) => parseResource(r, `event_data.resources[${i}]`, repository, opts));
  const result = emptyResult();
  switch (type) {
    case 'PUSH_ARTIFACT':
      parsed.forEach((r, i) => {
        if (r.tag === undefined) drop(result, 'untagged_push');
        else result.records.push({ ...base, kind: 'tag_push', source_id: `${sourceId}/${i}`, registry_host: r.host, tag: r.tag, ...(r.digest ? { digest: r.digest } : {}) });
      });
      return result;
    case 'PULL_ARTIFACT':
      if (opts.pulls === 'refuse') throw new ValidationError('type', 'PULL_ARTIFACT events are refused here (INGEST_PULLS=refuse): leave "Artifact pulled" out of the webhook policy');
      drop(result, 'pull', Math.max(1, parsed.length));
      return result;
    case 'DELETE_ARTIFACT':
      drop(result, 'delete', Math.max(1, parsed.length));
      return result;
    case 'SCANNING_FAILED':
    case 'SCANNING_STOPPED':
      drop(result, 'scan_failed', Math.max(1, parsed.length));
      return result;
    case 'SCANNING_COMPLETED':
      return scanResult(result, parsed, { ...base, source_id: sourceId });
    default:
      drop(result, 'unsupported_type');
      return result;
  }
}

interface Resource {
  tag?: string;
  digest?: string;
  host: string;
  scan?: { severity: VulnerabilityPriority | 'None'; total: number; fixable: number; reportId?: string; scanner?: string };
}

function parseResource(r: unknown, at: string, repository: string, opts: HarborOptions): Resource {
  if (!isObject(r)) throw new ValidationError(at, 'must be an object');
  const digestRaw = optionalString(r, 'digest', `${at}.digest`);
  const digest = digestRaw === undefined ? undefined : checkDigest(digestRaw, `${at}.digest`);
  // Harbor puts the digest in `tag` when an artifact was pushed by digest.
  const tagRaw = optionalString(r, 'tag', `${at}.tag`);
  const tag = tagRaw === undefined || tagRaw.includes(':') ? undefined : checkTag(tagRaw, `${at}.tag`);
  const url = optionalString(r, 'resource_url', `${at}.resource_url`);
  // resource_url is "<host>/<repository>:<tag>" or "...@<digest>", without a scheme.
  const suffixAt = url === undefined ? -1 : url.indexOf(`/${repository}`);
  const host = url !== undefined && suffixAt > 0 ? checkHost(url.slice(0, suffixAt), `${at}.resource_url`) : opts.defaultRegistryHost;
  const out: Resource = { host, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
  const overview = r['scan_overview'];
  if (isObject(overview)) {
    const key = Object.keys(overview).find((k) => k.startsWith(SCAN_REPORT_PREFIX));
    const report = key === undefined ? undefined : overview[key];
    if (isObject(report)) out.scan = parseReport(report, `${at}.scan_overview`);
  }
  return out;
}

function parseReport(report: Record<string, unknown>, at: string): NonNullable<Resource['scan']> {
  const severity = optionalString(report, 'severity', `${at}.severity`) ?? 'None';
  if (severity !== 'None' && !(VULNERABILITY_PRIORITIES as readonly string[]).includes(severity)) {
    throw new ValidationError(`${at}.severity`, `must be one of None, ${VULNERABILITY_PRIORITIES.join(', ')}`);
  }
  const summary = isObject(report['summary']) ? report['summary'] : {};
  const count = (k: string) => (typeof summary[k] === 'number' ? (summary[k] as number) : 0);
  const scanner = isObject(report['scanner']) ? optionalString(report['scanner'], 'name', `${at}.scanner.name`) : undefined;
  const reportId = optionalString(report, 'report_id', `${at}.report_id`);
  return { severity: severity as VulnerabilityPriority | 'None', total: count('total'), fixable: count('fixable'), ...(reportId ? { reportId } : {}), ...(scanner ? { scanner } : {}) };
}

function scanResult(result: IngestResult, resources: Resource[], base: Omit<RawRecord, 'kind' | 'registry_host'>): IngestResult {
  // One event per severity found, naming the tags scanned at it.
  const bySeverity = new Map<VulnerabilityPriority, { tags: string[]; total: number; fixable: number; host: string; reports: string[]; scanner?: string }>();
  for (const r of resources) {
    if (!r.scan || r.scan.severity === 'None' || r.scan.total === 0) {
      drop(result, 'scan_clean');
      continue;
    }
    const s = r.scan.severity;
    let g = bySeverity.get(s);
    if (!g) bySeverity.set(s, (g = { tags: [], total: 0, fixable: 0, host: r.host, reports: [], ...(r.scan.scanner ? { scanner: r.scan.scanner } : {}) }));
    if (r.tag !== undefined && g.tags.length < MAX_VULNERABILITY_TAGS) g.tags.push(r.tag);
    g.total += r.scan.total;
    g.fixable += r.scan.fixable;
    g.reports.push(r.scan.reportId ?? r.digest ?? '');
  }
  for (const [priority, g] of bySeverity) {
    const eventId = ingestEventId(`${base.source_id}/${priority}`);
    const event = validateEvent({
      event_id: eventId,
      occurred_at: base.occurred_at,
      ...(base.performer ? { performer: base.performer } : {}),
      ...deriveRepositoryFields(base.repository, { registryHost: g.host }),
      kind: 'vulnerability_found',
      body: {
        tags: g.tags,
        vulnerability: {
          id: `harbor-scan:${g.reports[0] ?? eventId}`,
          description: `${g.total} vulnerabilities (${g.fixable} fixable), highest severity ${priority}${g.scanner ? `, scanned by ${g.scanner}` : ''}`,
          priority,
          has_fix: g.fixable > 0,
        },
      },
    });
    result.records.push({ ...base, source_id: `${base.source_id}/${priority}`, kind: 'event', registry_host: g.host, event });
  }
  return result;
}
