export { writeOutbox, relayOutboxOnce, type OutboxMessage, type RelayResult } from './outbox';
export { QUEUES, createRedis, createQueues, heartbeatKey, type QueueName } from './queues';
