export { startService, bundleService, serviceNodeArgs, freePort, ROOT } from './service-process.js';
export type { ServiceProcess, StartServiceOptions } from './service-process.js';
export { rssMb } from './rss.js';
export { ensureDebianPackage } from './debian-package.js';
export { decodeExportRequest, SPAN_KIND, startOtlpReceiver } from './otlp-receiver.js';
export type { OtlpReceiver, ReceivedSpan } from './otlp-receiver.js';
