import { TOPICS, type DeliveryMethod } from '@herald/kafka';

/** The schema-registry subject of a topic's values (Confluent's TopicNameStrategy). */
export function subjectFor(topic: string): string {
  return `${topic}-value`;
}

/**
 * Every schema subject Herald registers, in one place. Retry and dead-letter topics carry the job
 * bytes unchanged (decoded by schema id), so only the first job topic of a method has a subject.
 */
export const SUBJECTS = {
  repositoryEvents: subjectFor(TOPICS.repositoryEvents),
  subscriptionChanges: subjectFor(TOPICS.subscriptionChanges),
  deliveryResults: subjectFor(TOPICS.deliveryResults),
  jobs: (method: DeliveryMethod): string => subjectFor(TOPICS.jobs(method)),
} as const;
