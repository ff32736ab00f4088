export {
  RULE_CODES,
  RULE_DEFINITIONS,
  SEVERITIES,
  PARAM_SCHEMAS,
  defaultRuleConfig,
  isRuleCode,
  validateRuleParams,
  type RuleCode,
  type RuleConfig,
  type RuleDefinition,
  type RuleParams,
  type Severity,
} from './rules';
export { loadRuleConfigs, seedDefaultAlertRules } from './alert-rule.repository';
export { readRules, updateRules, type RuleOut, type RuleChange } from './alert-rule.service';
export type { AlertOut } from './alert-out';
export type { AlertEventOut } from './alert.repository';
export {
  listAlerts,
  getAlert,
  acknowledgeAlert,
  resolveAlert,
  alertCounts,
  ALERT_STATUSES,
  MAX_ALERTS_PAGE,
  type AlertQuery,
} from './alert.service';
export {
  evaluateAlerts,
  parseEvaluateRequest,
  EVALUATE_JOB,
  SCHEDULE_GROUPS,
  type EvaluateRequest,
  type EvaluateSummary,
  type ScheduleGroup,
} from './evaluate.service';
export { GRID_SRID, ALERT_CELL_M } from './alert.sql';
export {
  signBody,
  deliveryBody,
  deliverWebhook,
  fanOutEvent,
  sweepPendingDeliveries,
  createSubscription,
  readSubscriptions,
  removeSubscription,
  readDeadLetters,
  testSubscription,
  postSigned,
  SIGNATURE_HEADER,
  DELIVERY_HEADER,
  TIMESTAMP_HEADER,
  EVENT_HEADER,
  WEBHOOK_EVENTS,
  type WebhookRetryOptions,
  type DeliveryOutcome,
  type SubscriptionInput,
  type PostResult,
  type TestResult,
} from './webhook.service';
export {
  webhookNetwork,
  checkWebhookTarget,
  classifyAddress,
  parseAllowList,
  parseWebhookUrl,
  pinnedLookup,
  sendPinned,
  systemResolver,
  describeSendFailure,
  WebhookTargetError,
  METADATA_HOSTNAMES,
  type WebhookNetwork,
  type WebhookResolver,
  type WebhookSender,
  type WebhookTarget,
  type WebhookRequest,
  type WebhookErrorCode,
  type AllowList,
} from './webhook-target';
export { FAN_OUT_JOB, DELIVER_JOB, SWEEP_JOB, deliveryKey, deliveryJobId, type SubscriptionOut, type DeadLetterOut } from './webhook.repository';
