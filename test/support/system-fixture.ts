import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createKafka, DELIVERY_METHODS, runTopicsCommand, setGroupOffsetsToEnd, TOPICS, type DeliveryMethod } from '@herald/kafka';
import { demoToken, ensureStack, startInbox, startMailCatcher, startOneService, startServices, type Inbox, type ServiceName } from '@herald/infra';
import { connectDb, createMongoClient } from '@herald/mongo';
import { freePort, ROOT, type ServiceProcess } from '@herald/testing';

export const serviceOf = (m: DeliveryMethod): ServiceName => (m === 'quay_notification' ? 'delivery-inapp' : `delivery-${m}`) as ServiceName;

/**
 * The whole system for end-to-end tests: every service its own process on the real stack, with this
 * run's own database, consumer groups (positioned at the end of their topics) and transactional id,
 * a demo inbox and an SMTP catcher on free ports.
 */
export class SystemFixture {
  readonly id = randomBytes(3).toString('hex');
  readonly namespace = `e2e-${this.id}`;
  readonly repository = `${this.namespace}/app`;
  readonly secret = randomBytes(24).toString('hex');
  readonly mails: { raw: string; to: string[] }[] = [];
  inbox!: Inbox;
  services = new Map<string, ServiceProcess>();
  apiUrl = '';
  token = '';
  private mail: { close(): Promise<void> } | undefined;
  private smtpPort = 0;

  constructor(private readonly extraEnv: Record<string, string> = {}) {}

  groupFor(s: ServiceName): string {
    return `herald-e2e-${this.id}-${s}`;
  }

  /** The environment `service` runs with (besides what the demo wiring gives it). */
  envFor(s: ServiceName): Record<string, string> {
    const common = { MONGO_DB: `herald_e2e_${this.id}`, ROUTER_INSTANCE_ID: `e2e-${this.id}`, ...this.extraEnv };
    if (s === 'router') return { ...common, ROUTER_GROUP_ID: this.groupFor(s) };
    // The recent-refs consumer's own group, at the end: the shared topic's backlog is not this test's.
    if (s === 'config-api') return { ...common, RECENT_REFS_GROUP_ID: this.groupFor(s), RECENT_REFS_FROM_BEGINNING: 'false' };
    return { ...common, DELIVERY_GROUP_ID: this.groupFor(s) };
  }

  async start(): Promise<void> {
    const stack = await ensureStack();
    // As `npm start` does: the services only check their topics.
    const lines: string[] = [];
    const topics = await runTopicsCommand(['apply', '--brokers', stack.kafkaBrokers.join(',')], {}, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    if (topics !== 0) throw new Error(`herald topics apply failed:\n${lines.join('\n')}`);
    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'herald-e2e' });
    await setGroupOffsetsToEnd(kafka, this.groupFor('router'), [TOPICS.repositoryEvents]);
    for (const m of DELIVERY_METHODS) {
      await setGroupOffsetsToEnd(kafka, this.groupFor(serviceOf(m)), [TOPICS.jobs(m), ...[1, 2, 3, 4, 5, 6].map((n) => TOPICS.retry(m, n))]);
    }
    this.inbox = await startInbox(0);
    this.smtpPort = await freePort();
    this.mail = await startMailCatcher(this.smtpPort, (raw, to) => this.mails.push({ raw, to }));
    const apiPort = await freePort();
    this.apiUrl = `http://127.0.0.1:${apiPort}`;
    this.services = await startServices(
      { ...this.endpoints(apiPort), envFor: (s) => this.envFor(s) },
      () => {},
    );
    this.token = await demoToken(this.secret, this.namespace);
  }

  private endpoints(apiPort: number) {
    return { apiPort, inboxUrl: this.inbox.url, smtpPort: this.smtpPort, jwtSecret: this.secret, logDir: join(ROOT, 'test-results', `e2e-${this.id}`) };
  }

  /** Starts one service again (after it was stopped), with the same wiring. */
  async restart(s: ServiceName, label: string): Promise<ServiceProcess> {
    const started = await startOneService(s, { ...this.endpoints(Number(new URL(this.apiUrl).port)), envFor: (x) => this.envFor(x) }, label);
    this.services.set(s, started);
    return started;
  }

  async api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.services.values()].map((p) => p.kill('SIGTERM')));
    await Promise.all([this.inbox?.close(), this.mail?.close()]);
    const stack = await ensureStack();
    const client = createMongoClient({ url: stack.mongoUrl });
    await (await connectDb(client, `herald_e2e_${this.id}`)).dropDatabase();
    await client.close();
  }
}
