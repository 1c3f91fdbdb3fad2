export { passesFilter, priorityIndex } from './filters.js';
export type { EventFacts } from './filters.js';
export { routeEvent, eventFacts } from './route-event.js';
export type { RouteOutcome, SubscriptionLookup } from './route-event.js';
