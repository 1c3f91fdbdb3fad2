import type { StackConfig } from './config.js';

/** One broker of the local cluster; every value derives from the config (see `kafkaBrokerList`). */
export interface KafkaBroker {
  /** 0-based position: `stack.kafkaBrokers[index]`, `stopKafkaBroker(index)`. */
  index: number;
  /** KRaft node.id: index + 1. */
  nodeId: number;
  /** `kafka` for a single broker (the paths of earlier releases), `kafka-<index>` in a cluster. */
  name: string;
  port: number;
  controllerPort: number;
  /** host:port for clients. */
  address: string;
}

/** Client ports KAFKA_PORT + i, controller ports KAFKA_CONTROLLER_PORT + i, node ids i + 1. */
export function kafkaBrokerList(cfg: Pick<StackConfig, 'kafkaBrokers' | 'kafkaPort' | 'kafkaControllerPort'>): KafkaBroker[] {
  return Array.from({ length: cfg.kafkaBrokers }, (_, index) => ({
    index,
    nodeId: index + 1,
    name: cfg.kafkaBrokers === 1 ? 'kafka' : `kafka-${index}`,
    port: cfg.kafkaPort + index,
    controllerPort: cfg.kafkaControllerPort + index,
    address: `127.0.0.1:${cfg.kafkaPort + index}`,
  }));
}

/** The comma-separated bootstrap list (`KAFKA_BROKERS` of the services). */
export function kafkaBootstrapServers(cfg: Pick<StackConfig, 'kafkaBrokers' | 'kafkaPort' | 'kafkaControllerPort'>): string {
  return kafkaBrokerList(cfg)
    .map((b) => b.address)
    .join(',');
}

export const kafkaMajor = (version: string): number => Number(version.split('.')[0]);

/**
 * KRaft with every process broker and controller and a static voter set (controller.quorum.voters;
 * works on 3.9 and 4.x, and `format` needs no --standalone/--initial-controllers with it). One broker
 * keeps every replication factor at 1; a cluster replicates 3 ways (at most the broker count) with
 * min.insync.replicas 2, so one broker can be down while acks=all producers and transactions go on.
 */
export function serverProperties(cfg: StackConfig, broker: KafkaBroker, logDirs: string): string {
  const all = kafkaBrokerList(cfg);
  const rf = Math.min(3, all.length);
  const minIsr = rf >= 3 ? 2 : 1;
  const props: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': broker.nodeId,
    'controller.quorum.voters': all.map((b) => `${b.nodeId}@127.0.0.1:${b.controllerPort}`).join(','),
    listeners: `PLAINTEXT://127.0.0.1:${broker.port},CONTROLLER://127.0.0.1:${broker.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${broker.port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': logDirs,
    'num.partitions': 1,
    'default.replication.factor': rf,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': rf,
    // On one broker the transaction coordinator never becomes available without these two.
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
    // 50 partitions each (the default) makes the first consumer group / transaction slow on 2 cores.
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.num.partitions': 10,
    'group.initial.rebalance.delay.ms': 0,
    // A cluster is for failure tests: fence a killed broker (and move its leaderships) after 3 s,
    // not the default 9 s, well inside kafkajs's retry window (8 retries from 100 ms, ~13 s).
    ...(all.length > 1 ? { 'broker.heartbeat.interval.ms': 500, 'broker.session.timeout.ms': 3000 } : {}),
    // Topics are created explicitly with their partitions and retention.
    'auto.create.topics.enable': 'false',
  };
  return Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

export interface KafkaLogging {
  /** Maven coordinates of the SLF4J binding (pom.xml properties logging.*). */
  binding: { groupId: string; artifactId: string; version: string };
  configName: string;
  /** The JVM flag that points the logging backend at the config file. */
  jvmFlag(configFile: string): string;
  config(logFile: string): string;
}

/** Kafka 3.x logs through reload4j (log4j 1 API); Kafka 4.x through log4j2 and its own config format. */
export function kafkaLogging(version: string): KafkaLogging {
  if (kafkaMajor(version) < 4) {
    return {
      binding: { groupId: 'org.slf4j', artifactId: 'slf4j-reload4j', version: '1.7.36' },
      configName: 'log4j.properties',
      jvmFlag: (file) => `-Dlog4j.configuration=file:${file}`,
      config: log4jProperties,
    };
  }
  return {
    // Kafka 4.x still uses SLF4J 1.7 (slf4j-api 1.7.36), hence log4j-slf4j-impl, not log4j-slf4j2-impl.
    binding: { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-slf4j-impl', version: '2.25.5' },
    configName: 'log4j2.properties',
    jvmFlag: (file) => `-Dlog4j2.configurationFile=${file}`,
    config: log4j2Properties,
  };
}

const QUIET_LOGGERS = ['kafka.request.logger', 'kafka.log.LogCleaner', 'state.change.logger'];

/** Broker logs go to a rolling file; stdout then only carries JVM-level failures. */
export function log4jProperties(logFile: string): string {
  return `log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=${logFile}
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
${QUIET_LOGGERS.map((l) => `log4j.logger.${l}=WARN`).join('\n')}
`;
}

/** The same for log4j2 (Kafka 4.x). */
export function log4j2Properties(logFile: string): string {
  const quiet = QUIET_LOGGERS.map((l, i) => `logger.q${i}.name=${l}\nlogger.q${i}.level=WARN`).join('\n');
  return `status=warn
appender.file.type=RollingFile
appender.file.name=file
appender.file.fileName=${logFile}
appender.file.filePattern=${logFile}.%i
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
appender.file.policies.type=Policies
appender.file.policies.size.type=SizeBasedTriggeringPolicy
appender.file.policies.size.size=20MB
appender.file.strategy.type=DefaultRolloverStrategy
appender.file.strategy.max=2
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
${quiet}
`;
}
