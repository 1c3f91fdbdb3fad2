import { DELIVERY_JOB_SCHEMA } from './delivery-job.js';
import { DELIVERY_RESULT_SCHEMA } from './delivery-result.js';
import type { HeraldSchema } from './herald-schema.js';
import { REPOSITORY_EVENT_SCHEMA } from './repository-event.js';
import { SUBSCRIPTION_CHANGE_SCHEMA } from './subscription-change.js';

/** Herald's message schemas; the codec decodes into them by record name. */
export const SCHEMAS = {
  repositoryEvent: REPOSITORY_EVENT_SCHEMA,
  deliveryJob: DELIVERY_JOB_SCHEMA,
  deliveryResult: DELIVERY_RESULT_SCHEMA,
  subscriptionChange: SUBSCRIPTION_CHANGE_SCHEMA,
} as const;

/** All of SCHEMAS as a list (the codec's default reader schemas). */
export const ALL_SCHEMAS: readonly HeraldSchema<unknown>[] = Object.values(SCHEMAS) as HeraldSchema<unknown>[];
