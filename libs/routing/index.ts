export { passesFilter, priorityIndex } from './filters.js';
export type { EventFacts } from './filters.js';
export { routeEvent, eventFacts } from './route-event.js';
export type { RouteOutcome, SubscriptionLookup } from './route-event.js';
export { routeBatch } from './route-batch.js';
export type { RouteBatchMetrics } from './route-batch.js';
