export { startService, bundleService, serviceNodeArgs, freePort, ROOT } from './service-process.js';
export type { ServiceProcess, StartServiceOptions } from './service-process.js';
export { rssMb } from './rss.js';
export { ensureDebianPackage } from './debian-package.js';
