export { createEventPublisher } from './publisher.js';
export type { EventPublisher, EventPublisherOptions, PublishedEvent } from './publisher.js';
export { prepareEvents } from './prepare-events.js';
export type { PrepareOptions } from './prepare-events.js';
export { endSendSpans, startSendSpans } from './publish-trace.js';
