import { Type } from '@fastify/type-provider-typebox';
import { JsonObject, Nullable, ref } from '@biomon/http';

/** Answers of the alert, alert-rule and webhook routes (packages/alerts). */

const alertFields = {
  id: Type.Integer(),
  rule: Type.String(),
  ruleNameZh: Nullable(Type.String()),
  ruleNameEn: Nullable(Type.String()),
  subjectKey: Type.String({ description: 'what the alert is about, e.g. taxon=143;cell=10000:170:492 (one open alert per rule and subject)' }),
  severity: Type.String({ description: 'info, warning or critical' }),
  status: Type.String({ description: 'open, acknowledged or resolved' }),
  titleZh: Type.String(),
  titleEn: Type.String(),
  region: Type.Object({ code: Nullable(Type.String()), name: Nullable(Type.String()), codes: Type.Array(Type.String()) }),
  taxon: Nullable(Type.Object({ id: Type.Integer(), scientificName: Type.String(), chineseName: Nullable(Type.String()) })),
  cellId: Nullable(Type.String()),
  details: JsonObject({ description: "the rule's evidence (records, values, stations); open-ended" }),
  firstSeen: Type.String(),
  lastSeen: Type.String(),
  occurrences: Type.Integer({ description: 'how often the condition was seen' }),
  acknowledged: Nullable(Type.Object({ by: Nullable(Type.String()), at: Type.String() })),
  resolved: Nullable(Type.Object({ by: Nullable(Type.String()), at: Type.String(), automatic: Type.Boolean() })),
  privileged: Type.Boolean({ description: 'evaluators and admins only (sensitive species)' }),
};

export const Alert = Type.Object(alertFields, { $id: 'Alert' });

export const AlertList = Type.Object({ alerts: Type.Array(ref(Alert)), nextCursor: Nullable(Type.String()) });

export const AlertDetail = Type.Object({
  ...alertFields,
  events: Type.Array(
    Type.Object({ id: Type.Integer(), kind: Type.String(), at: Type.String(), role: Type.String(), actor: Type.String(), note: Nullable(Type.String()) }),
    { description: 'opened, updated, acknowledged, resolved: who and when' },
  ),
});

export const AlertTransition = Type.Object({ ...alertFields, changed: Type.Boolean({ description: 'false when the alert already was in that state' }) });

export const AlertRule = Type.Object(
  {
    code: Type.String(),
    nameZh: Type.String(),
    nameEn: Type.String(),
    descriptionZh: Type.String(),
    descriptionEn: Type.String(),
    trigger: Type.String({ description: 'occurrences, schedule-stations, schedule-indicators or import' }),
    privileged: Type.Boolean(),
    enabled: Type.Boolean(),
    severity: Type.String(),
    params: JsonObject({ description: "the rule's parameters (each rule its own)" }),
    defaults: Type.Object({ severity: Type.String(), params: JsonObject() }),
    source: Type.String({ description: 'stored or default' }),
    updatedAt: Nullable(Type.String()),
  },
  { $id: 'AlertRule' },
);

export const AlertRuleList = Type.Object({ rules: Type.Array(ref(AlertRule)) });

const subscriptionFields = {
  id: Type.String(),
  url: Type.String(),
  description: Type.String(),
  includeSensitive: Type.Boolean(),
  rules: Nullable(Type.Array(Type.String()), { description: 'only these rules; null: all' }),
  minSeverity: Type.String(),
  events: Type.Array(Type.String()),
  createdAt: Type.String(),
  deliveries: Type.Object({ pending: Type.Integer(), delivered: Type.Integer(), dead: Type.Integer() }),
};

export const Webhook = Type.Object(subscriptionFields, { $id: 'Webhook' });

export const WebhookCreated = Type.Object({ ...subscriptionFields, secret: Type.String({ description: 'the HMAC key, shown this once' }) });

export const WebhookList = Type.Object({ webhooks: Type.Array(ref(Webhook)) });

export const WebhookTest = Type.Object({
  delivered: Type.Boolean(),
  statusCode: Nullable(Type.Integer()),
  errorCode: Nullable(
    Type.String({
      description: 'WEBHOOK_URL_FORBIDDEN, WEBHOOK_URL_UNRESOLVABLE, WEBHOOK_TIMEOUT, WEBHOOK_CONNECT_FAILED, WEBHOOK_TLS_FAILED or WEBHOOK_HTTP_STATUS',
    }),
  ),
  error: Nullable(Type.String()),
  durationMs: Type.Number(),
  idempotencyKey: Type.String(),
});

export const DeadLetterList = Type.Object({
  deadLetters: Type.Array(
    Type.Object({
      id: Type.Integer(),
      idempotencyKey: Type.String(),
      alertEventId: Type.Integer(),
      attempts: Type.Integer(),
      lastStatusCode: Nullable(Type.Integer()),
      lastError: Nullable(Type.String()),
      failedAt: Type.String(),
      payload: Type.Unknown({ description: 'the body as it was sent' }),
    }),
  ),
});

export const ALERT_SCHEMAS = [Alert, AlertRule, Webhook];
