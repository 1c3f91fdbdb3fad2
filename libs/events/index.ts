export {
  EVENT_KINDS,
  BUILD_EVENT_KINDS,
  BODY_RECORDS,
  PERFORMER_KINDS,
  VULNERABILITY_PRIORITIES,
  DELIVERY_OUTCOMES,
  CHANGE_OPS,
  NOTIFICATION_SCOPES,
  QUOTA_EVENT_KINDS,
  TAG_LIST_FIELDS,
  isEventKind,
  isBuildEventKind,
  isQuotaEventKind,
  isTagListEventKind,
} from './constants.js';
export type { EventKind, BuildEventKind, QuotaEventKind, TagListEventKind, PerformerKind, VulnerabilityPriority, DeliveryOutcome, ChangeOp, NotificationScope } from './constants.js';
export type {
  Performer,
  EventEnvelope,
  CommitAuthor,
  CommitInfo,
  TriggerMetadata,
  RepoPushBody,
  BuildQueuedBody,
  BuildBody,
  BuildSuccessBody,
  BuildFailureBody,
  Vulnerability,
  VulnerabilityFoundBody,
  MirrorSyncBody,
  RepoImageExpiryBody,
  QuotaBody,
  EventBodies,
  EventBody,
  RepositoryEvent,
  RepositoryEventOf,
  RepositoryEventInput,
} from './event-types.js';
export type { DeliveryJob, DeliveryResult, InAppAlert, InAppAlertTarget, NotificationSnapshot, SubscriptionChange } from './message-types.js';
export { validateEvent, REPOSITORY_EVENT_SCHEMA } from './repository-event.js';
export { validateDeliveryJob, createDeliveryJob, jobFieldsAround, DELIVERY_JOB_SCHEMA } from './delivery-job.js';
export { validateDeliveryResult, DELIVERY_RESULT_SCHEMA } from './delivery-result.js';
export { validateSubscriptionChange, SUBSCRIPTION_CHANGE_SCHEMA } from './subscription-change.js';
export { MAX_VULNERABILITY_TAGS, isUuid } from './event-rules.js';
export { deliveryId } from './delivery-id.js';
export { EVENT_HEAD, eventHead } from './event-head.js';
export type { EventHead } from './event-head.js';
export { defineProjection } from './projection.js';
export type { Projection, ProjectionFields } from './projection.js';
export { SCHEMAS } from './schemas.js';
export { createSchema } from './herald-schema.js';
export type { HeraldSchema } from './herald-schema.js';
export { SUBJECTS, subjectFor } from './subjects.js';
export { formatQuotaBytes, quotaBody } from './quota.js';
export { toQuayPayload } from './quay-payload.js';
export type { NamespaceFields, QuayPayload, QuayPayloadOf, QuayBodies, QuayBuildBody, QuayBuildQueuedBody, QuayVulnerabilityBody, QuayTriggerMetadata } from './quay-payload.js';
export { deriveRepositoryFields, registryHostOf } from './repository-fields.js';
export type { RepositoryFields } from './repository-fields.js';
export { sampleData, sampleEvent } from './samples.js';
export type { SampleOverrides } from './samples.js';
export { SchemaRegistryCodec } from './registry-codec.js';
export type { SchemaRegistryCodecOptions, DecodeResult } from './registry-codec.js';
export { TAG_GLOB, TAG_REGEX, MAX_TAG_PATTERN_LENGTH, MAX_TAG_GLOBS, globToRe2, hasTagFilter, checkTagFilter, tagMatcher, anyTagMatches, filterEventTags } from './tag-filter.js';
export type { TagMatcher } from './tag-filter.js';
