import { startService, type ServiceProcess } from '@herald/testing';
import { describeRestart, Supervisor } from './supervisor.js';

/** Every Herald service, in start order: the API and router first, then the delivery services. */
export const SERVICES = [
  'config-api',
  'router',
  'delivery-webhook',
  'delivery-email',
  'delivery-slack',
  'delivery-flowdock',
  'delivery-hipchat',
  'delivery-inapp',
] as const;

/** `npm start` also runs registry ingest; the tests' whole-system fixtures run SERVICES only. */
export const DEMO_SERVICES = [...SERVICES, 'ingest'] as const;

export interface DemoEndpoints {
  apiPort: number;
  inboxUrl: string;
  smtpPort: number;
  jwtSecret: string;
  logDir: string;
  /**
   * Where the stack runs, given to every service as KAFKA_BROKERS, SCHEMA_REGISTRY_URL and
   * MONGO_URL (without it, services derive them from KAFKA_PORT, REGISTRY_PORT and MONGO_PORT).
   */
  stack?: { kafkaBrokers: string[]; registryUrl: string; mongoUrl: string };
  /** Added to every service's environment (tests: own database and consumer groups). */
  env?: Record<string, string>;
  /** Registry ingest's port and the token a demo registry sends (ingest only runs with them). */
  ingest?: { port: number; token: string };
  /** Per-service additions, e.g. a consumer group id. */
  envFor?: (service: ServiceName) => Record<string, string>;
}

export type ServiceName = (typeof DEMO_SERVICES)[number];

/**
 * Short retry delays so the demo shows retries and failure accounting within a minute; the demo's
 * `topics apply` gets the same schedule, so it provisions exactly these retry levels.
 */
export const DEMO_RETRY_DELAYS_MS = '2000,10000,30000';

function envFor(name: ServiceName, e: DemoEndpoints): Record<string, string> {
  const loopback = '127.0.0.1/32';
  const delivery = { DELIVERY_RETRY_DELAYS_MS: DEMO_RETRY_DELAYS_MS };
  switch (name) {
    case 'config-api':
      return { HTTP_HOST: '127.0.0.1', HTTP_PORT: String(e.apiPort), PUBLIC_URL: `http://127.0.0.1:${e.apiPort}`, AUTH_JWT_SECRET: e.jwtSecret,
        SMTP_HOST: '127.0.0.1', SMTP_PORT: String(e.smtpPort), SMTP_SECURE: 'false', WEBHOOK_ALLOW_LIST: loopback, SLACK_ALLOW_LIST: loopback };
    case 'router':
      return { ROUTER_INSTANCE_ID: 'demo-0' };
    case 'delivery-webhook':
      return { ...delivery, WEBHOOK_ALLOW_LIST: loopback };
    case 'delivery-email':
      return { ...delivery, SMTP_HOST: '127.0.0.1', SMTP_PORT: String(e.smtpPort), SMTP_SECURE: 'false' };
    case 'delivery-slack':
      return { ...delivery, SLACK_ALLOW_LIST: loopback };
    case 'delivery-flowdock':
      return { ...delivery, FLOWDOCK_API_URL: `${e.inboxUrl}/flowdock`, FLOWDOCK_ALLOW_LIST: loopback };
    case 'delivery-hipchat':
      return { ...delivery, HIPCHAT_API_URL: `${e.inboxUrl}/hipchat`, HIPCHAT_ALLOW_LIST: loopback };
    case 'delivery-inapp':
      return delivery;
    case 'ingest':
      if (!e.ingest) throw new Error('ingest needs a port and a registry token (DemoEndpoints.ingest)');
      return { HTTP_HOST: '127.0.0.1', HTTP_PORT: String(e.ingest.port), INGEST_TOKENS: `demo-registry=${e.ingest.token}`, INGEST_INSTANCE_ID: 'demo-0' };
  }
}

function stackEnv(e: DemoEndpoints): Record<string, string> {
  if (!e.stack) return {};
  return { KAFKA_BROKERS: e.stack.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: e.stack.registryUrl, MONGO_URL: e.stack.mongoUrl };
}

const READY_TIMEOUT_MS = 120_000;

/** Spawns one service as its own process (its log: `<logDir>/<label>.log`), without waiting. */
function spawnOneService(name: ServiceName, e: DemoEndpoints, label: string): Promise<ServiceProcess> {
  return startService(name, { LOG_LEVEL: 'info', ...stackEnv(e), ...envFor(name, e), ...e.env, ...e.envFor?.(name) }, label, { logDir: e.logDir });
}

/** Starts one service as its own process (its log: `<logDir>/<label>.log`) and waits until it is ready. */
export async function startOneService(name: ServiceName, e: DemoEndpoints, label: string = name): Promise<ServiceProcess> {
  const p = await spawnOneService(name, e, label);
  await p.ready(READY_TIMEOUT_MS);
  return p;
}

/** Starts every service as its own process and waits until each is ready. */
export async function startServices(e: DemoEndpoints, log: (msg: string) => void): Promise<Map<string, ServiceProcess>> {
  const running = new Map<string, ServiceProcess>();
  for (const name of SERVICES) {
    const t0 = Date.now();
    const p = await startOneService(name, e);
    running.set(name, p);
    log(`${name} ready in ${((Date.now() - t0) / 1000).toFixed(1)}s (metrics http://127.0.0.1:${p.opsPort}/metrics, log ${p.logFile})`);
  }
  return running;
}

/**
 * Starts every service under a supervisor (in start order, each ready before the next) that
 * restarts it with the same environment when it dies; `onSupervisor` gets each one as soon as it
 * exists, so a Ctrl-C during start-up stops it too.
 */
export async function superviseServices(e: DemoEndpoints, log: (msg: string) => void, onSupervisor: (s: Supervisor) => void): Promise<void> {
  for (const name of DEMO_SERVICES) {
    const t0 = Date.now();
    let starts = 0;
    const where = (p: ServiceProcess) => `metrics http://127.0.0.1:${p.opsPort}/metrics, log ${p.logFile}`;
    const supervisor = new Supervisor({
      name,
      start: async () => {
        const p = await spawnOneService(name, e, name);
        starts += 1;
        const ready = async () => {
          await p.ready(READY_TIMEOUT_MS);
          log(starts === 1 ? `${name} ready in ${((Date.now() - t0) / 1000).toFixed(1)}s (${where(p)})` : `${name} running again (${where(p)})`);
        };
        return { child: p.child, ready };
      },
      onRestart: (r) => log(describeRestart(r)),
      onStartFailed: (n, err) => log(`${n} did not start again: ${err.message}`),
    });
    onSupervisor(supervisor);
    await supervisor.start();
  }
}
