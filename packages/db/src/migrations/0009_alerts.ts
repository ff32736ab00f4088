import { sql, type Kysely } from 'kysely';

// Frozen. Alerts and early warning (预警): configurable rules, alerts with their lifecycle and
// history, what triggered them, and webhook delivery (subscriptions, deliveries, dead letters).
// Migrations use Kysely<any> and never import application code.

export async function up(db: Kysely<any>): Promise<void> {
  // Admin-configurable rules. A rule without a row runs with the defaults of @biomon/alerts
  // (the `reference` seed writes the rows, so they are visible and editable).
  await sql`
    CREATE TABLE alert_rules (
      code        text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,63}$'),
      enabled     boolean NOT NULL DEFAULT true,
      severity    text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
      params      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
      updated_at  timestamptz NOT NULL DEFAULT now(),
      updated_by  uuid REFERENCES api_tokens(id)
    )`.execute(db);
  await sql`CREATE INDEX alert_rules_updated_by_idx ON alert_rules (updated_by)`.execute(db);

  // One row per alert. The subject says what it is about (taxon × cell, a station, an indicator ×
  // region, an import); at most one alert per (rule, subject) is not resolved (the partial unique
  // index below), so a repeat updates it instead of adding another.
  await sql`
    CREATE TABLE alerts (
      id                     bigserial PRIMARY KEY,
      rule_code              text NOT NULL,
      subject_key            text NOT NULL,
      severity               text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
      status                 text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
      -- evaluator and admin only (sensitive-species detections): never listed to other roles,
      -- never sent to webhooks not flagged include_sensitive
      privileged             boolean NOT NULL DEFAULT false,
      title_zh               text NOT NULL,
      title_en               text NOT NULL,
      details                jsonb NOT NULL DEFAULT '{}',
      region_code            text,
      region_name            text,
      -- every region the subject lies in (province, prefecture, county, priority area), for filters
      region_codes           text[] NOT NULL DEFAULT '{}',
      taxon_id               integer REFERENCES taxa(id),
      cell_id                text,
      first_seen             timestamptz NOT NULL DEFAULT now(),
      last_seen              timestamptz NOT NULL DEFAULT now(),
      occurrences            integer NOT NULL DEFAULT 1 CHECK (occurrences >= 1),
      acknowledged_by        uuid REFERENCES api_tokens(id),
      acknowledged_by_label  text,
      acknowledged_at        timestamptz,
      resolved_by            uuid REFERENCES api_tokens(id),
      resolved_by_label      text,
      resolved_at            timestamptz,
      -- condition rules (a silent station, an indicator off target): when the evaluator last found
      -- the condition gone. While null, a resolved alert is not opened again for the same episode.
      cleared_at             timestamptz,
      created_at             timestamptz NOT NULL DEFAULT now(),
      updated_at             timestamptz NOT NULL DEFAULT now(),
      CHECK (status <> 'acknowledged' OR acknowledged_at IS NOT NULL),
      CHECK (status <> 'resolved' OR resolved_at IS NOT NULL)
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX alerts_one_open_per_subject ON alerts (rule_code, subject_key) WHERE status <> 'resolved'`.execute(db);
  await sql`CREATE INDEX alerts_subject_idx ON alerts (rule_code, subject_key, id DESC)`.execute(db);
  await sql`CREATE INDEX alerts_status_idx ON alerts (status, id DESC)`.execute(db);
  await sql`CREATE INDEX alerts_last_seen_idx ON alerts (last_seen DESC)`.execute(db);
  await sql`CREATE INDEX alerts_region_codes_idx ON alerts USING gin (region_codes)`.execute(db);
  await sql`CREATE INDEX alerts_taxon_idx ON alerts (taxon_id)`.execute(db);
  await sql`CREATE INDEX alerts_acknowledged_by_idx ON alerts (acknowledged_by)`.execute(db);
  await sql`CREATE INDEX alerts_resolved_by_idx ON alerts (resolved_by)`.execute(db);

  // What made an alert fire or repeat: an occurrence (occ:<id>), a silence episode, an indicator
  // run, an import. The key makes re-evaluation idempotent: a trigger counts once.
  await sql`
    CREATE TABLE alert_triggers (
      alert_id       bigint NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
      trigger_key    text NOT NULL,
      occurrence_pk  bigint REFERENCES occurrences(id) ON DELETE SET NULL,
      at             timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (alert_id, trigger_key)
    )`.execute(db);
  await sql`CREATE INDEX alert_triggers_occurrence_idx ON alert_triggers (occurrence_pk)`.execute(db);

  // The lifecycle (opened, updated, acknowledged, resolved), who and when, with the alert as it was
  // then (the webhook payload). Append-only.
  await sql`
    CREATE TABLE alert_events (
      id        bigserial PRIMARY KEY,
      alert_id  bigint NOT NULL REFERENCES alerts(id),
      kind      text NOT NULL CHECK (kind IN ('opened', 'updated', 'acknowledged', 'resolved')),
      at        timestamptz NOT NULL DEFAULT now(),
      token_id  uuid REFERENCES api_tokens(id),
      role      text NOT NULL DEFAULT 'system',
      actor     text NOT NULL DEFAULT 'system',
      note      text,
      snapshot  jsonb NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX alert_events_alert_idx ON alert_events (alert_id, id)`.execute(db);
  await sql`CREATE INDEX alert_events_token_idx ON alert_events (token_id)`.execute(db);
  await sql`
    CREATE TRIGGER alert_events_append_only BEFORE UPDATE OR DELETE ON alert_events
    FOR EACH ROW EXECUTE FUNCTION biomon_append_only()`.execute(db);

  // Webhook subscriptions. The secret is stored as given: it must be usable to sign (HMAC-SHA256).
  // It is returned once, at creation, and never logged.
  await sql`
    CREATE TABLE webhook_subscriptions (
      id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      url                text NOT NULL CHECK (url ~ '^https?://'),
      secret             text NOT NULL CHECK (length(secret) >= 16),
      description        text NOT NULL DEFAULT '',
      include_sensitive  boolean NOT NULL DEFAULT false,
      rules              text[],
      min_severity       text NOT NULL DEFAULT 'info' CHECK (min_severity IN ('info', 'warning', 'critical')),
      events             text[] NOT NULL DEFAULT '{opened}',
      created_at         timestamptz NOT NULL DEFAULT now(),
      created_by         uuid REFERENCES api_tokens(id),
      deleted_at         timestamptz
    )`.execute(db);
  await sql`CREATE INDEX webhook_subscriptions_created_by_idx ON webhook_subscriptions (created_by)`.execute(db);

  // One delivery per (alert event, subscription): the idempotency key. Created with the alert
  // event, in its transaction; the bullmq job only carries the key.
  await sql`
    CREATE TABLE webhook_deliveries (
      alert_event_id    bigint NOT NULL REFERENCES alert_events(id),
      subscription_id   uuid NOT NULL REFERENCES webhook_subscriptions(id),
      status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead', 'cancelled')),
      attempts          integer NOT NULL DEFAULT 0,
      last_status_code  integer,
      last_error        text,
      created_at        timestamptz NOT NULL DEFAULT now(),
      last_attempt_at   timestamptz,
      delivered_at      timestamptz,
      PRIMARY KEY (alert_event_id, subscription_id)
    )`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, status)`.execute(db);

  // Deliveries that failed their last attempt, with the payload as it was sent.
  await sql`
    CREATE TABLE webhook_dead_letters (
      id                bigserial PRIMARY KEY,
      alert_event_id    bigint NOT NULL REFERENCES alert_events(id),
      subscription_id   uuid NOT NULL REFERENCES webhook_subscriptions(id),
      idempotency_key   text NOT NULL,
      payload           jsonb NOT NULL,
      attempts          integer NOT NULL,
      last_status_code  integer,
      last_error        text,
      failed_at         timestamptz NOT NULL DEFAULT now(),
      UNIQUE (alert_event_id, subscription_id)
    )`.execute(db);
  await sql`CREATE INDEX webhook_dead_letters_subscription_idx ON webhook_dead_letters (subscription_id, failed_at DESC)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['webhook_dead_letters', 'webhook_deliveries', 'webhook_subscriptions', 'alert_events', 'alert_triggers', 'alerts', 'alert_rules']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(t)} CASCADE`.execute(db);
  }
}
