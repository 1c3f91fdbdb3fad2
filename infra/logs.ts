import { loadConfig, type StackConfig } from './config.js';
import { tailLines } from './files.js';
import type { Service } from './service.js';
import { stackServices } from './services.js';

/** The tails of one server's non-empty log files, each under a `==> path <==` header like tail(1). */
export async function serviceLogTail(svc: Service, cfg: StackConfig, lines: number): Promise<string> {
  const parts = await Promise.all(
    svc.logFiles(cfg).map(async (file) => {
      const tail = await tailLines(file, lines);
      return tail.length > 0 ? `==> ${file} <==\n${tail.join('\n')}` : '';
    }),
  );
  return parts.filter(Boolean).join('\n\n');
}

/** Log tails of whole kinds (`kafka`: every broker) or single instances (`kafka-1`). */
export async function logTails(names: readonly string[], lines = 100, env = process.env, brokers?: number): Promise<string> {
  const cfg = loadConfig(env, { kafkaBrokers: brokers });
  const selected = stackServices(cfg).filter((s) => names.includes(s.kind) || names.includes(s.name));
  const parts = (await Promise.all(selected.map((s) => serviceLogTail(s, cfg, lines)))).filter(Boolean);
  return parts.length > 0 ? parts.join('\n\n') : `no logs yet under ${cfg.logDir}`;
}
