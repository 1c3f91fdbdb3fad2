// The ingest service under test: its own process, consumer group and transactional id, positioned
// at the end of the ingest topic; Herald events read back from repository-events for this run's
// repositories only.
import { randomBytes } from 'node:crypto';
import { REPOSITORY_EVENT_SCHEMA, SchemaRegistryCodec, type RepositoryEvent } from '@herald/events';
import { createKafka, setGroupOffsetsToEnd, TOPICS } from '@herald/kafka';
import { freePort, startService, type ServiceProcess } from '@herald/testing';
import { TEST_KAFKA_BROKERS as TEST_BROKERS, TEST_SCHEMA_REGISTRY_URL as TEST_REGISTRY_URL } from '../helpers/kafka.js';
import { TailReader, type ReadBack } from './job-reader.js';

export class IngestFixture {
  readonly id = randomBytes(4).toString('hex');
  /** Every repository of this run is under this namespace. */
  readonly namespace = `ing-${this.id}`;
  readonly token = `ingest-token-${randomBytes(12).toString('hex')}`;
  readonly harborToken = `harbor-token-${randomBytes(12).toString('hex')}`;
  readonly events: TailReader<RepositoryEvent>;
  service: ServiceProcess | undefined;
  url = '';
  private readonly kafka = createKafka({ brokers: TEST_BROKERS, clientId: 'herald-ingest-test' });
  private positioned = false;
  private httpPort = 0;

  /** `positionGroup: false` leaves the ingest group as the service finds it (a new group has no offsets). */
  constructor(
    private readonly extraEnv: Record<string, string> = {},
    private readonly opts: { positionGroup?: boolean } = {},
  ) {
    const codec = new SchemaRegistryCodec({ url: TEST_REGISTRY_URL });
    this.events = new TailReader<RepositoryEvent>(this.kafka, codec, [TOPICS.repositoryEvents], (key) => key.startsWith(`${this.namespace}`), (c, v) => c.decode(v, REPOSITORY_EVENT_SCHEMA));
  }

  repo(name: string): string {
    return `${this.namespace}/${name}`;
  }

  get env(): Record<string, string> {
    return {
      KAFKA_BROKERS: TEST_BROKERS.join(','),
      SCHEMA_REGISTRY_URL: TEST_REGISTRY_URL,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(this.httpPort),
      INGEST_TOKENS: `test-registry=${this.token},test-harbor=${this.harborToken}`,
      INGEST_GROUP_ID: `herald-ingest-test-${this.id}`,
      INGEST_INSTANCE_ID: `test-${this.id}`,
      INGEST_REGISTRY_HOST: 'registry.test:5000',
      ...this.extraEnv,
    };
  }

  async start(label = `ingest-${this.id}`, env: Record<string, string> = {}): Promise<ServiceProcess> {
    if (!this.positioned) {
      this.httpPort = await freePort();
      this.url = `http://127.0.0.1:${this.httpPort}`;
      if (this.opts.positionGroup !== false) await setGroupOffsetsToEnd(this.kafka, this.env['INGEST_GROUP_ID']!, [TOPICS.ingestRecords]);
      await this.events.start();
      this.positioned = true;
    }
    this.service = await startService('ingest', { ...this.env, ...env }, label);
    await this.service.ready(90_000);
    return this.service;
  }

  /** POSTs `body` (JSON unless a string) to the ingest service. */
  async post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
    const res = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  }

  of(repository: string): ReadBack<RepositoryEvent>[] {
    return this.events.messages.filter((m) => m.value.repository === repository);
  }

  async stop(): Promise<void> {
    await this.service?.kill('SIGTERM');
    await this.events.stop();
  }
}

/** A Distribution notification event (the shape of distribution/v3's notifications.Event). */
export function distributionEvent(o: { id?: string; action: string; repository: string; tag?: string; digest?: string; mediaType?: string; actor?: string; host?: string }): Record<string, unknown> {
  const digest = o.digest ?? `sha256:${randomBytes(32).toString('hex')}`;
  return {
    id: o.id ?? randomBytes(16).toString('hex'),
    timestamp: new Date().toISOString(),
    action: o.action,
    target: {
      mediaType: o.mediaType ?? 'application/vnd.oci.image.manifest.v1+json',
      digest,
      size: 1234,
      length: 1234,
      repository: o.repository,
      url: `http://${o.host ?? '127.0.0.1:5000'}/v2/${o.repository}/manifests/${digest}`,
      ...(o.tag === undefined ? {} : { tag: o.tag }),
    },
    request: { id: randomBytes(8).toString('hex'), addr: '127.0.0.1:40000', host: o.host ?? '127.0.0.1:5000', method: 'PUT', useragent: 'crane/test' },
    actor: o.actor === undefined ? {} : { name: o.actor },
    source: { addr: 'registry-host:5000', instanceID: 'b5b2e4a4-0000-4000-8000-000000000000' },
  };
}
