import { loadConfig, type ServiceName } from './config.js';
import { kafkaBootstrapServers } from './kafka-files.js';
import { ourPid, rssMb } from './processes.js';
import { pidFileOf } from './service.js';
import { stackServices } from './services.js';

export interface ServiceStatus {
  /** Instance: `kafka` (single broker) or `kafka-0`…, `registry`, `ferretdb`. */
  name: string;
  kind: ServiceName;
  up: boolean;
  address: string;
  /** Set only when this stack started the process. */
  pid?: number;
  rssMb?: number;
}

export interface StatusOptions {
  /** Kafka brokers to look at (`--brokers N`); by default those this data dir last ran. */
  brokers?: number;
}

export async function stackStatus(env: NodeJS.ProcessEnv = process.env, opts: StatusOptions = {}): Promise<ServiceStatus[]> {
  const cfg = loadConfig(env, { kafkaBrokers: opts.brokers });
  return Promise.all(
    stackServices(cfg).map(async (svc) => {
      const [up, pid] = await Promise.all([
        svc.probe(cfg).then(
          () => true,
          () => false,
        ),
        ourPid(pidFileOf(cfg, svc.name), svc.marker(cfg)),
      ]);
      const rss = pid === undefined ? undefined : await rssMb(pid);
      return { name: svc.name, kind: svc.kind, up, address: svc.address(cfg), pid, rssMb: rss };
    }),
  );
}

/**
 * The comma-separated Kafka bootstrap list of the stack this env describes (KAFKA_PORT, the broker
 * count of `up --brokers N` recorded in the data dir, or KAFKA_BROKER_COUNT): the one place clients
 * and tests take broker addresses from.
 */
export function kafkaBootstrap(env: NodeJS.ProcessEnv = process.env): string {
  return kafkaBootstrapServers(loadConfig(env));
}
