import type { Admin, Kafka } from 'kafkajs';

/**
 * A readiness check for Kafka: the cluster's metadata through one admin client, connected on first
 * use and kept (kafkajs reconnects it after an outage). Closed with `close()`.
 */
export function kafkaCheck(kafka: Kafka): { name: 'kafka'; check(): Promise<unknown>; close(): Promise<void> } {
  let admin: Admin | undefined;
  let connecting: Promise<Admin> | undefined;
  const connected = (): Promise<Admin> => {
    if (admin) return Promise.resolve(admin);
    connecting ??= (async () => {
      const a = kafka.admin({ retry: { retries: 0 } });
      try {
        await a.connect();
      } catch (err) {
        await a.disconnect().catch(() => undefined);
        throw err;
      } finally {
        connecting = undefined;
      }
      admin = a;
      return a;
    })();
    return connecting;
  };
  return {
    name: 'kafka',
    async check() {
      const a = await connected();
      const cluster = await a.describeCluster();
      if (cluster.brokers.length === 0) throw new Error('no brokers in the cluster metadata');
      return cluster;
    },
    async close() {
      const a = admin;
      admin = undefined;
      await a?.disconnect().catch(() => undefined);
    },
  };
}
