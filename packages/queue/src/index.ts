export { writeOutbox, writeOutboxOnce, relayOutboxOnce, type RelayResult } from './outbox';
export { QUEUES, createRedis, createQueues, heartbeatKey } from './queues';
export type {
  JobPayloads,
  QueueName,
  JobName,
  JobPayload,
  JobData,
  JobOf,
  OutboxMessage,
  JobQueue,
  JobQueues,
  EvaluateJobPayload,
} from './jobs';
