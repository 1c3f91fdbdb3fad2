import { loadConfig, type ServiceName } from './config.js';
import { ourPid, rssMb } from './processes.js';
import { pidFileOf } from './service.js';
import { SERVICES } from './services.js';

export interface ServiceStatus {
  name: ServiceName;
  up: boolean;
  address: string;
  /** Set only when this stack started the process. */
  pid?: number;
  rssMb?: number;
}

export async function stackStatus(env: NodeJS.ProcessEnv = process.env): Promise<ServiceStatus[]> {
  const cfg = loadConfig(env);
  return Promise.all(
    SERVICES.map(async (svc) => {
      const [up, pid] = await Promise.all([
        svc.probe(cfg).then(
          () => true,
          () => false,
        ),
        ourPid(pidFileOf(cfg, svc.name), svc.marker(cfg)),
      ]);
      const rss = pid === undefined ? undefined : await rssMb(pid);
      return { name: svc.name, up, address: svc.address(cfg), pid, rssMb: rss };
    }),
  );
}
