import { intList, type Reader } from '@herald/config';
import { DEFAULT_RETRY_DELAYS_MS } from './topics.js';

/**
 * The longest retry delay accepted. Retry topics keep messages for a week (topicSpecs), and a
 * waiting retry must never be deleted before it is due.
 */
export const MAX_RETRY_DELAY_MS = 6 * 24 * 3600_000;

/**
 * Reader of `DELIVERY_RETRY_DELAYS_MS`, one delay (ms) per retry topic. The one parser of the retry
 * schedule: the delivery services read their delays with it and `herald topics` derives the number
 * of retry topics from it, so the two cannot disagree.
 */
export function retryDelaysMs(): Reader<number[]> {
  return intList(DEFAULT_RETRY_DELAYS_MS, 0, MAX_RETRY_DELAY_MS);
}
