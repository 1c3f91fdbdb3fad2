import { bool, commonShape, int, opsShape, optionalStr, parseConfig, str, url, type ConfigOf } from '@herald/config';
import { allowListReader } from '@herald/http-guard';

/** Every variable of the config service; the one place its environment is read. */
export const configShape = {
  ...commonShape,
  ...opsShape(9401),
  HTTP_HOST: str('127.0.0.1'),
  HTTP_PORT: int(8080, 0, 65_535),
  /** Base URL of this service as users reach it; the e-mail confirmation link points here. */
  PUBLIC_URL: url('http://127.0.0.1:8080'),
  AUTH_JWT_SECRET: optionalStr(),
  AUTH_JWT_PUBLIC_KEY_FILE: optionalStr(),
  AUTH_JWT_ISSUER: optionalStr(),
  AUTH_JWT_AUDIENCE: optionalStr(),
  AUTH_SUPERUSER: optionalStr(),
  SMTP_HOST: str('127.0.0.1'),
  SMTP_PORT: int(25, 1, 65_535),
  SMTP_SECURE: bool(false),
  SMTP_USER: optionalStr(),
  SMTP_PASSWORD: optionalStr(),
  SMTP_FROM: str('Herald <herald@localhost>'),
  EMAIL_CODE_TTL_SECONDS: int(7 * 24 * 3600, 60, 90 * 24 * 3600),
  /** Confirmation mails: at most one per address per this many seconds (0 = no interval), whatever the repository. */
  EMAIL_RATE_ADDRESS_INTERVAL_SECONDS: int(600, 0, 7 * 24 * 3600),
  /** Confirmation mails per address per 24 h. */
  EMAIL_RATE_ADDRESS_DAILY: int(5, 1, 10_000),
  /** Confirmation mails per repository per 24 h. */
  EMAIL_RATE_REPOSITORY_DAILY: int(50, 1, 100_000),
  /**
   * After a webhook's signing secret is rotated (PUT with `rotate_secret`), deliveries also carry a
   * signature with the previous secret for this long, unless the request says otherwise; 0 = none.
   */
  SIGNING_SECRET_OVERLAP_SECONDS: int(24 * 3600, 0, 30 * 24 * 3600),
  /**
   * The delivery services' SSRF exceptions, read the same way: a webhook or Slack URL their guard
   * would refuse is refused at creation (400) unless these admit it. Set them as on the delivery services.
   */
  WEBHOOK_ALLOW_LIST: allowListReader(),
  SLACK_ALLOW_LIST: allowListReader(),
  /**
   * The admin page's ref-regex preview: the consumer group that records each repository's recent
   * build refs from `repository-events` (shared by every replica; a new group reads the retained history).
   */
  RECENT_REFS_GROUP_ID: str('herald-config-api-recent-refs'),
  /** Where a new group starts: the oldest retained event (true) or the end of the topic. */
  RECENT_REFS_FROM_BEGINNING: bool(true),
  /** Distinct refs kept per repository (newest first). */
  RECENT_REFS_LIMIT: int(10, 1, 100),
  /** A repository with no build for this many days loses its recent refs. */
  RECENT_REFS_RETENTION_DAYS: int(90, 1, 3650),
  /** Replays (…/notification/{uuid}/replay) read at most this many events per second each, so live routing keeps its pace. */
  REPLAY_MAX_EVENTS_PER_SECOND: int(2_000, 1, 1_000_000),
  /** The longest window a replay may cover (the event log's retention is 7 days). */
  REPLAY_MAX_WINDOW_HOURS: int(7 * 24, 1, 90 * 24),
  /** Replays one instance runs at once (over all notifications); more are refused with 429 until one ends. */
  REPLAY_MAX_CONCURRENT: int(2, 1, 100),
  /** Audit log entries (every change to notifications and e-mail authorizations) are deleted after this many days. */
  AUDIT_RETENTION_DAYS: int(90, 1, 3650),
  /** As the delivery services keep attempt inspection records (and so the jobs a resend needs): named in the API's 404s. */
  INSPECTION_RETENTION_DAYS: int(7, 1, 365),
};

export type ConfigApiConfig = ConfigOf<typeof configShape>;

/** Parses the environment; every problem is reported at once (ConfigError). */
export function loadConfig(env: NodeJS.ProcessEnv): ConfigApiConfig {
  return parseConfig(configShape, env);
}
