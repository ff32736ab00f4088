import { sql, type RawBuilder } from 'kysely';
import { CHINA_TZ } from '@biomon/core';

/**
 * SQL fragments in the platform's reference zone (China, @biomon/core time.ts). The zone is
 * inlined as a literal, so statements read exactly as if it were written out (`AT TIME ZONE
 * 'Asia/Shanghai'`): no extra parameter, the same plan.
 */
export const CHINA_TZ_SQL: RawBuilder<string> = sql.lit(CHINA_TZ);

type Instant = RawBuilder<unknown>;

/** A timestamptz as China's wall-clock time (a timestamp without zone). */
export const inChinaTime = (t: Instant): RawBuilder<Date> => sql<Date>`${t} AT TIME ZONE ${CHINA_TZ_SQL}`;

/** The start of the instant's day in China, as a timestamptz. */
export const chinaDayStart = (t: Instant): RawBuilder<Date> => sql<Date>`date_trunc('day', ${t} AT TIME ZONE ${CHINA_TZ_SQL}) AT TIME ZONE ${CHINA_TZ_SQL}`;

/** The end of the instant's day in China (the next midnight), as a timestamptz. */
export const chinaDayEnd = (t: Instant): RawBuilder<Date> =>
  sql<Date>`(date_trunc('day', ${t} AT TIME ZONE ${CHINA_TZ_SQL}) + interval '1 day') AT TIME ZONE ${CHINA_TZ_SQL}`;

/** The instant's calendar date in China as text `YYYY-MM-DD`. */
export const chinaDateText = (t: Instant): RawBuilder<string> => sql<string>`to_char(${t} AT TIME ZONE ${CHINA_TZ_SQL}, 'YYYY-MM-DD')`;

/** A field of the instant's wall-clock time in China (`extract(year FROM …)`), as an integer. */
export const chinaPart = (part: 'year' | 'month', t: Instant): RawBuilder<number> =>
  sql<number>`extract(${sql.raw(part)} FROM ${t} AT TIME ZONE ${CHINA_TZ_SQL})::int`;
