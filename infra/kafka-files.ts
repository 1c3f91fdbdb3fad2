import type { StackConfig } from './config.js';

/** Single-node KRaft: one process is broker and controller, so every replication factor is 1. */
export function serverProperties(cfg: StackConfig, logDirs: string): string {
  const props: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${cfg.kafkaControllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${cfg.kafkaPort},CONTROLLER://127.0.0.1:${cfg.kafkaControllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${cfg.kafkaPort}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': logDirs,
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    // Without these two the transaction coordinator never becomes available on one broker.
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    // 50 partitions each (the default) makes the first consumer group / transaction slow on 2 cores.
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.num.partitions': 10,
    'group.initial.rebalance.delay.ms': 0,
    // Topics are created explicitly with their partitions and retention.
    'auto.create.topics.enable': 'false',
  };
  return Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

/** Broker logs go to a rolling file; stdout then only carries JVM-level failures. */
export function log4jProperties(logFile: string): string {
  return `log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=${logFile}
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.state.change.logger=WARN
`;
}
