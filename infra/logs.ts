import { loadConfig, type ServiceName, type StackConfig } from './config.js';
import { tailLines } from './files.js';
import type { Service } from './service.js';
import { SERVICES } from './services.js';

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

export async function logTails(names: readonly ServiceName[], lines = 100, env = process.env): Promise<string> {
  const cfg = loadConfig(env);
  const selected = SERVICES.filter((s) => names.includes(s.name));
  const parts = (await Promise.all(selected.map((s) => serviceLogTail(s, cfg, lines)))).filter(Boolean);
  return parts.length > 0 ? parts.join('\n\n') : `no logs yet under ${cfg.logDir}`;
}
