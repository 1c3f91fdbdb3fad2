/** `herald --help`. */
export const USAGE = `herald — publish repository events to Herald (Kafka + schema registry), provision its topics

Usage:
  herald topics check                                      report drift from Herald's topic specs
  herald topics apply [--add-partitions]                   create/fix topics (see herald topics --help)
  herald emit <kind> --repository <ns/name> [kind flags]   one event built from flags
  herald emit --sample <kind> [--repository <ns/name>]     the stored sample of a kind
  herald emit --file <events.jsonl>                        one event per line; all lines are
                                                           validated before anything is published
  herald --help

Kinds:
  repo_push, build_queued, build_start, build_success, build_failure, build_cancelled,
  vulnerability_found, repo_mirror_sync_started, repo_mirror_sync_success,
  repo_mirror_sync_failed, repo_image_expiry, quota_warning, quota_error

Event flags (also override the sample with --sample):
  --repository, -r <ns/name>   repository; namespace, name, docker_url, homepage derive from it
  --registry-host <host>       host for docker_url and homepage (default localhost:5000)
  --tags <a,b>                 updated_tags / docker_tags / tags (default latest)
  --build-id <id>              build events (default: a new UUID)
  --build-name <name>          build events (default: first 7 characters of the build id)
  --ref <refs/heads/main>      build events: trigger_metadata.ref
  --commit <sha>               build events: trigger_metadata.commit
  --trigger-kind <kind>        build events: trigger_kind (e.g. github)
  --manual                     build_queued: is_manual (default: true unless --ref is given)
  --manual-user <name>         build_queued: manual_user
  --image-id <id>              build_success: image_id
  --message <text>             build_failure: error_message; mirror events: message
  --vuln-id <id>               vulnerability_found: vulnerability.id (required)
  --priority <p>               vulnerability_found: Critical|High|Medium|Low|Negligible|Unknown
  --description <text>         vulnerability_found: vulnerability.description
  --link <url>                 vulnerability_found: vulnerability.link
  --has-fix                    vulnerability_found: vulnerability.has_fix
  --notification-uuid <uuid>   repo_image_expiry: the targeted notification (required)
  --days <n>                   repo_image_expiry: expiring_in "<n> days" (required)
  --usage-bytes <n>            quota events: the namespace's storage usage (required)
  --limit-bytes <n>            quota events: its quota limit (required); usage_percent and
                               the *_formatted sizes derive from both
  --threshold <percent>        quota events: threshold_percent reached (quota_error: 100;
                               quota_warning: the usage percent unless given)
  --performer <kind:name>      performer, kind user|robot|token
  --event-id <uuid>            instead of a new UUID

Connection:
  --brokers <host:port,...>    Kafka (env KAFKA_BROKERS, default 127.0.0.1:$KAFKA_PORT,
                               the local stack's port, 9092 unless set)
  --registry <url>             schema registry (env SCHEMA_REGISTRY_URL, default
                               http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7, port 8081
                               unless set)
  --dry-run                    validate and print the events as JSON lines; publish nothing
  A secured Kafka or registry: the services' variables KAFKA_SASL_MECHANISM,
  KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD(_FILE), KAFKA_TLS, KAFKA_TLS_CA_FILE,
  KAFKA_TLS_CERT_FILE, KAFKA_TLS_KEY_FILE, SCHEMA_REGISTRY_USERNAME,
  SCHEMA_REGISTRY_PASSWORD(_FILE), SCHEMA_REGISTRY_CA_FILE (see the README)

Prints one line per published event: event_id, kind, repository, partition, offset.
Exit status: 0 published, 1 invalid event or Kafka/registry failure, 2 usage error.
`;
