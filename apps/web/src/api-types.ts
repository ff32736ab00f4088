// Generated from the API's OpenAPI document (/openapi.json) by apps/web/scripts/gen-api-types.ts
// with openapi-typescript. Do not edit: change the routes' schemas, then
//   npm run gen:api-types -w @biomon/web
// (npm run build:web fails while this file differs from what the routes declare).

export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Health of the server and its dependencies (db, redis, worker) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description down when the database or Redis is; degraded when only the worker or the read standby is */
                            status: "ok" | "degraded" | "down";
                            db: "up" | "down";
                            redis: "up" | "down";
                            worker: "up" | "down";
                            /** @description the hot standby of DATABASE_READ_URL (absent without one) */
                            replica?: {
                                /** @description up: read-only routes read from it; behind (more than BIOMON_READ_MAX_LAG_S) or down: they read from the primary */
                                status: "up" | "behind" | "down";
                                /** @description how far its replay is behind the primary; 0 when caught up, null when not known */
                                lagSeconds: number | null;
                            };
                            apps: string[];
                            /** Format: date-time */
                            checkedAt: string;
                        };
                    };
                };
                /** @description a dependency is down (with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description down when the database or Redis is; degraded when only the worker or the read standby is */
                            status: "ok" | "degraded" | "down";
                            db: "up" | "down";
                            redis: "up" | "down";
                            worker: "up" | "down";
                            /** @description the hot standby of DATABASE_READ_URL (absent without one) */
                            replica?: {
                                /** @description up: read-only routes read from it; behind (more than BIOMON_READ_MAX_LAG_S) or down: they read from the primary */
                                status: "up" | "behind" | "down";
                                /** @description how far its replay is behind the primary; 0 when caught up, null when not known */
                                lagSeconds: number | null;
                            };
                            apps: string[];
                            /** Format: date-time */
                            checkedAt: string;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/occurrences": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Query occurrences (查询物种记录); JSON or GeoJSON (Accept: application/geo+json). Sensitive taxa generalised unless evaluator/admin */
        get: {
            parameters: {
                query?: {
                    bbox?: string;
                    region?: string;
                    priorityArea?: string;
                    taxon?: string;
                    protectionClass?: "I" | "II";
                    from?: string;
                    to?: string;
                    eventID?: string;
                    basisOfRecord?: "HumanObservation" | "MachineObservation" | "PreservedSpecimen" | "LivingSpecimen" | "FossilSpecimen" | "MaterialSample" | "MaterialEntity" | "MaterialCitation" | "Occurrence" | "Event" | "Taxon";
                    reviewState?: "unreviewed" | "verified" | "rejected";
                    limit?: number;
                    cursor?: string;
                    f?: "json" | "geojson";
                };
                header?: {
                    /** @description application/geo+json for a GeoJSON FeatureCollection */
                    accept?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Records (JSON) or a GeoJSON FeatureCollection (Accept: application/geo+json or f=geojson) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            records: components["schemas"]["Occurrence"][];
                            nextCursor: string | null;
                        };
                        "application/geo+json": {
                            /** @description FeatureCollection */
                            type: string;
                            features: ({
                                /** @description Feature */
                                type: string;
                                id: string;
                                geometry: {
                                    /** @description Point, LineString, Polygon, MultiPolygon, … */
                                    type: string;
                                    coordinates?: unknown;
                                    geometries?: unknown;
                                } & {
                                    [key: string]: unknown;
                                };
                                properties: components["schemas"]["Occurrence"];
                            } & {
                                [key: string]: unknown;
                            })[];
                            nextCursor: string | null;
                            numberReturned: number;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Upload Darwin Core occurrences (上传物种记录): up to 5,000 a request, idempotent by occurrenceID
         * @description Body limit 16 MB. 200 with counts when anything was stored; 422 BATCH_REJECTED when nothing was (or, with atomic: true, when anything was rejected). A record with `version` that is stale is rejected with VERSION_CONFLICT.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description the version of the one record sent ("3"): 409 VERSION_CONFLICT when it is stale */
                    "if-match"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        records: {
                            [key: string]: unknown;
                        }[];
                        atomic?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BatchResult"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/survey-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Upload survey events (调查事件) — Darwin Core Event with Humboldt effort; upsert by eventID */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description one event, or { records: [...], atomic? } */
            requestBody: {
                content: {
                    "application/json": {
                        records?: unknown[];
                        atomic?: boolean;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BatchResult"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stations/{id}/observations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Push observations of a station (站点数据推送): SensorThings dataArray or NDJSON, idempotent on (datastream, phenomenonTime)
         * @description Only the station's own token (or admin). Up to 50,000 observations a push; application/json up to 8 MB: { "datastreams": [{ "datastreamId", "components": ["phenomenonTime", "result"], "dataArray": [[time, result], …] }] }; application/x-ndjson up to 16 MB: one { "datastreamId", "phenomenonTime", "result" } per line (index = line number from 0). phenomenonTime needs an offset (TIME_OFFSET_MISSING) and may be at most 10 minutes ahead (TIME_IN_FUTURE); results must match the datastream's resultType (RESULT_TYPE_MISMATCH), be finite (RESULT_NOT_FINITE) and within validRange (RESULT_OUT_OF_RANGE). The same value again is `unchanged`; another value for a stored time is `updated` and the old value kept in history. 200 when anything was stored (valid rows are stored even when others are rejected); 422 BATCH_REJECTED when nothing was, or when `atomic` (body field or ?atomic=true) was asked and anything was rejected.
         */
        post: {
            parameters: {
                query?: {
                    atomic?: boolean;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        datastreams: ({
                            datastreamId: string;
                            components: string[];
                            dataArray: unknown[];
                        } & {
                            [key: string]: unknown;
                        })[];
                        atomic?: boolean;
                    };
                    "application/x-ndjson": string;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            inserted: number;
                            updated: number;
                            unchanged: number;
                            rejected: {
                                datastreamId?: string;
                                index: number;
                                errors: {
                                    field: string;
                                    code: string;
                                    message: string;
                                }[];
                            }[];
                            warnings: {
                                datastreamId?: string;
                                index: number;
                                flags: string[];
                                notes?: {
                                    [key: string]: string;
                                };
                            }[];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload a file to import (文件导入): Excel (.xlsx/.xls), CSV (UTF-8 or GBK), GPS tracks (GPX/KML/KMZ), Darwin Core Archive or Camtrap DP — 202 with its id; an MCPD v2.1 germplasm file (种质资源, header with INSTCODE and ACCENUMB; admin and department tokens) is imported into the germplasm registry
         * @description multipart/form-data with one part "file"; at most 512 MB. The same file twice is recognised by content hash.
         */
        post: {
            parameters: {
                query?: {
                    /** @description a saved header mapping of yours (PUT /v1/import-mappings/{name}), applied before the built-in names */
                    mapping?: string;
                    /** @description coordinate system of coordinates the file does not declare (GPS tracks from Chinese phone apps: gcj02) */
                    crs?: "wgs84" | "gcj02" | "bd09";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            importId: string;
                            /** @description the same file (content hash, mapping and CRS) was uploaded before: its import */
                            duplicate: boolean;
                            /** @description queued, running, completed or failed */
                            status: string;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/taxa": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Look a taxon up in the checklist by scientific name, synonym or Chinese name (物种名录查询) */
        get: {
            parameters: {
                query: {
                    name: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            taxa: {
                                id: number;
                                scientificName: string;
                                chineseName: string | null;
                                rank: string;
                                protectionClass: string | null;
                                sensitive: boolean;
                                invasive: boolean;
                                matchedAs: string;
                            }[];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/occurrences/{occurrenceID}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One occurrence with its history (记录详情与修改历史) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    occurrenceID: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            record: components["schemas"]["Occurrence"];
                            history: {
                                version: number;
                                action: string;
                                /**
                                 * Format: date-time
                                 * @description a date-time, or the day only for a record that was ever sensitive (below evaluator)
                                 */
                                at: string;
                                role: string;
                                actor?: string;
                                /** @description field → [before, after] */
                                changes?: {
                                    [key: string]: unknown;
                                };
                                /** @description for a record that was ever sensitive, below evaluator: which fields changed, never a value */
                                changedFields?: string[];
                                comment?: string | null;
                            }[];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/occurrences/{occurrenceID}/review": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Review a record (审核): verified, rejected or unreviewed, with a comment kept in its history; `taxon` sets the record's taxon (a checklist name) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    occurrenceID: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        state: "unreviewed" | "verified" | "rejected";
                        comment?: string;
                        /** @description the record's taxon as the reviewer identifies it (scientific or Chinese name of the checklist): an unmatched name is no longer generalised unless the taxon is sensitive */
                        taxon?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            occurrenceID: string;
                            reviewState: string;
                            previous: string;
                            /** @description the taxon set by the review */
                            taxon?: string;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/indicators": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Indicator definitions (指标定义): names in Chinese and English, formulas, 2025 and 2035 targets */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            methodVersion: string;
                            indicators: components["schemas"]["IndicatorDefinition"][];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/indicators/{code}/values": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Latest completed value of an indicator per region and year (指标最新值), with its run id */
        get: {
            parameters: {
                query?: {
                    region?: string;
                    year?: number;
                };
                header?: {
                    /** @description the ETag of a copy you hold: 304 when unchanged (a newer completed run changes it) */
                    "if-none-match"?: string;
                };
                path: {
                    code: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            indicator: components["schemas"]["IndicatorDefinition"];
                            values: components["schemas"]["IndicatorResult"][];
                        };
                    };
                };
                /** @description Not modified: the ETag matched */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/indicator-runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start an indicator run (计算指标): 202 with its id; the worker computes it */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        year: number;
                        regions?: string[];
                        indicators?: string[];
                        datasets?: {
                            regions?: number;
                            protectedAreas?: number;
                            landCover?: number;
                            grasslandPlots?: number;
                            ecosystems?: number;
                            ndvi?: number;
                        };
                        params?: {
                            speciesWindowYears?: number;
                            ecosystemThreshold?: number;
                            ecosystemMinAreaHa?: number;
                            speciesMaxUncertaintyM?: number;
                            speciesRequireVerified?: boolean;
                            /** @description pa_connectivity: median dispersal distance(s) in km, one result per distance (default 10) */
                            dispersalDistanceKm?: number | number[];
                            /** @description pa_connectivity: p at the dispersal distance, 0 < p < 1 (default 0.5) */
                            probabilityAtDistance?: number;
                            /** @description pa_connectivity: links with p* at or above this are kept for the map, 0 < t ≤ 1 (default 0.5) */
                            connectivityLinkThreshold?: number;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            runId: string;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/indicator-runs/{runId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An indicator run: status, progress and, once completed, its results (immutable) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    runId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["IndicatorRun"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/imports/template.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** CSV template (导入模板): Darwin Core headers, or Chinese ones with ?headers=zh — both are accepted */
        get: {
            parameters: {
                query?: {
                    headers?: "dwc" | "zh";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The CSV template */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": string;
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/imports/template.xlsx": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Excel template (导入模板 .xlsx): the CSV template's columns (Darwin Core headers, or Chinese ones with ?headers=zh), an example row, drop-down lists for basisOfRecord, occurrenceStatus and geodeticDatum, and a notes sheet (说明 Notes) */
        get: {
            parameters: {
                query?: {
                    headers?: "dwc" | "zh";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The Excel workbook */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": string;
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/imports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Import status, progress and counts */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImportStatus"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/imports/{id}/errors.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Per-row error report of an import (CSV, UTF-8 with BOM) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One line per failing field of a refused row */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": string;
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/import-mappings/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One of your saved header mappings */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImportMapping"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        /**
         * Save a header mapping (保存表头映射) for your own field sheets: header → Darwin Core term (or null: keep in dynamicProperties)
         * @description Mappings belong to the team of the surveyor (or the station) that saves them and are used with POST /v1/imports?mapping={name}. The same content again changes nothing.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description e.g. { "经度E": "decimalLongitude", "天气": null } */
                        columns: {
                            [key: string]: string | null;
                        };
                        description?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImportMapping"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImportMapping"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/import-mappings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your saved header mappings (表头映射) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            mappings: components["schemas"]["ImportMapping"][];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/layers/{kind}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Upload a reference layer (上传参考图层) as a new immutable dataset version: GeoJSON FeatureCollection, up to 50 MB */
        post: {
            parameters: {
                query: {
                    year: number;
                    source?: string;
                    crs?: "wgs84" | "gcj02" | "bd09";
                };
                header?: never;
                path: {
                    kind: "regions" | "protected-areas" | "land-cover" | "grassland-plots" | "ecosystems";
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        type: "FeatureCollection";
                        features: unknown[];
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            datasetId: number;
                            kind: string;
                            year: number;
                            /** @description features stored */
                            features: number;
                            /** @description features whose geometry was repaired (ST_MakeValid), with the change of area */
                            repaired: ({
                                index: number;
                                reason: string;
                                areaChangePct: number | null;
                                areaBeforeM2: number | null;
                                areaAfterM2: number | null;
                            } & {
                                [key: string]: unknown;
                            })[];
                            /** @description features that were not stored */
                            rejected: ({
                                index: number;
                                field?: string;
                                reason: string;
                            } & {
                                [key: string]: unknown;
                            })[];
                            warnings: unknown[];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/layers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Layer dataset versions (图层版本列表) */
        get: {
            parameters: {
                query?: {
                    kind?: "regions" | "protected-areas" | "land-cover" | "grassland-plots" | "ecosystems";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            datasets: components["schemas"]["LayerDataset"][];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/layers/{datasetId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One layer dataset version with its import report */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    datasetId: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            datasetId: number;
                            /** @description regions, protected-areas, land-cover, grassland-plots or ecosystems */
                            kind: string;
                            /** @description vintage year */
                            year: number;
                            source: string;
                            name: string;
                            /** @description the CRS the upload was in (stored as WGS84) */
                            crs: string;
                            features: number;
                            /** Format: date-time */
                            createdAt: string;
                            contentHash: string | null;
                            /** @description features whose geometry was repaired (ST_MakeValid), with the change of area */
                            repaired: ({
                                index: number;
                                reason: string;
                                areaChangePct: number | null;
                                areaBeforeM2: number | null;
                                areaAfterM2: number | null;
                            } & {
                                [key: string]: unknown;
                            })[];
                            /** @description features that were not stored */
                            rejected: ({
                                index: number;
                                field?: string;
                                reason: string;
                            } & {
                                [key: string]: unknown;
                            })[];
                            warnings: unknown[];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/layers/{datasetId}/features": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Features of a layer dataset as GeoJSON, optionally within a bbox */
        get: {
            parameters: {
                query?: {
                    bbox?: string;
                    limit?: number;
                };
                header?: never;
                path: {
                    datasetId: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A GeoJSON FeatureCollection */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/geo+json": {
                            /** @description FeatureCollection */
                            type: string;
                            datasetId: number;
                            kind: string;
                            features: ({
                                /** @description Feature */
                                type: string;
                                id?: string | number;
                                geometry: ({
                                    /** @description Point, LineString, Polygon, MultiPolygon, … */
                                    type: string;
                                    coordinates?: unknown;
                                    geometries?: unknown;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                                properties: {
                                    [key: string]: unknown;
                                } | null;
                            } & {
                                [key: string]: unknown;
                            })[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Audit log (审计日志), newest first; filter by entity, action, role, token, time */
        get: {
            parameters: {
                query?: {
                    entity?: string;
                    action?: string;
                    role?: string;
                    tokenId?: string;
                    entityId?: string;
                    since?: string;
                    until?: string;
                    /** @description nextCursor of the previous page (opaque) */
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description newest first */
                            entries: components["schemas"]["AuditEntry"][];
                            /** @description the next page: ?cursor=… */
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List monitoring stations (站点列表) with their datastreams and last-seen time
         * @description Admin and evaluators see every station, a station token its own, a department token the stations it is responsible for.
         */
        get: {
            parameters: {
                query?: {
                    type?: "eco_station" | "camera_trap" | "acoustic" | "hydrological" | "weather" | "other";
                    priorityArea?: string;
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            stations: components["schemas"]["Station"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Register a monitoring station (注册监测站点) with its datastreams; answers { station, token } — the token is shown this once
         * @description SensorThings Thing + Datastreams. 409 CONFLICT (STATION_ID_TAKEN, DATASTREAM_ID_TAKEN) when an id is in use; if the answer was lost, rotate the token.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        stationId: string;
                        name: string;
                        /** @description text or null */
                        description?: unknown;
                        type: "eco_station" | "camera_trap" | "acoustic" | "hydrological" | "weather" | "other";
                        /** @description GeoJSON Point, WGS84 [lon, lat] */
                        location: {
                            /** @enum {string} */
                            type: "Point";
                            coordinates: number[];
                        };
                        /** @description priority-area code (e.g. PA-CBS) or null */
                        priorityArea?: unknown;
                        /** @description responsible department (责任部门), e.g. 省林草局, or null */
                        department?: unknown;
                        /** @description IANA zone for calendar intervals and buckets; default Asia/Shanghai */
                        timeZone?: string;
                        properties?: {
                            [key: string]: unknown;
                        };
                        datastreams: {
                            /** @description unique across all stations */
                            datastreamId: string;
                            name?: string;
                            description?: string;
                            /** @description e.g. air_temperature */
                            observedProperty: string;
                            unitOfMeasurement: {
                                symbol: string;
                                name?: string;
                                definition?: string;
                            };
                            resultType: "number" | "integer" | "boolean" | "string" | "json";
                            /** @description [min, max], inclusive; null for an open end (number and integer datastreams) */
                            validRange?: unknown;
                            /** @description fixed interval in seconds, e.g. 600 */
                            expectedIntervalSeconds?: unknown;
                            /** @description or an ISO 8601 duration: PT10M, P1D (calendar day), P1M (calendar month) */
                            expectedInterval?: unknown;
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            station: components["schemas"]["Station"];
                            /** @description the station's token, shown this once */
                            token: string | null;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One station with its datastreams and their latest values (站点详情与最新值) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Station"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a station and add datastreams (修改站点、增加数据流)
         * @description Fields given replace the stored ones. A datastream already on the station is updated (not its resultType: 409 RESULT_TYPE_IMMUTABLE); a new one is added.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        /** @description text or null */
                        description?: unknown;
                        type?: "eco_station" | "camera_trap" | "acoustic" | "hydrological" | "weather" | "other";
                        /** @description GeoJSON Point, WGS84 [lon, lat] */
                        location?: {
                            /** @enum {string} */
                            type: "Point";
                            coordinates: number[];
                        };
                        /** @description priority-area code (e.g. PA-CBS) or null */
                        priorityArea?: unknown;
                        /** @description responsible department (责任部门), e.g. 省林草局, or null */
                        department?: unknown;
                        /** @description IANA zone for calendar intervals and buckets; default Asia/Shanghai */
                        timeZone?: string;
                        properties?: {
                            [key: string]: unknown;
                        };
                        datastreams?: {
                            /** @description unique across all stations */
                            datastreamId: string;
                            name?: string;
                            description?: string;
                            /** @description e.g. air_temperature */
                            observedProperty: string;
                            unitOfMeasurement: {
                                symbol: string;
                                name?: string;
                                definition?: string;
                            };
                            resultType: "number" | "integer" | "boolean" | "string" | "json";
                            /** @description [min, max], inclusive; null for an open end (number and integer datastreams) */
                            validRange?: unknown;
                            /** @description fixed interval in seconds, e.g. 600 */
                            expectedIntervalSeconds?: unknown;
                            /** @description or an ISO 8601 duration: PT10M, P1D (calendar day), P1M (calendar month) */
                            expectedInterval?: unknown;
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Station"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/stations/{id}/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate a station's token (更换站点令牌): revokes its live tokens and answers the new one, shown this once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            stationId: string;
                            /** @description shown this once */
                            token: string;
                            /** @description live tokens revoked */
                            revoked: number;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stations/{id}/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Station health (站点运行状况): last seen, expected interval, gaps and completeness, default the last 7 days
         * @description Completeness = observed slots / expected slots × 100 (slot k starts at from + k × interval; calendar intervals step in the station's time zone). A gap is a silence longer than 1.5 × the interval between consecutive observations; the window's ends count as observations just outside it.
         */
        get: {
            parameters: {
                query?: {
                    /** @description ISO 8601 date-time with offset, or a date (local midnight at the station) */
                    from?: string;
                    to?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["StationHealth"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/datastreams/{id}/observations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Observations of a datastream (数据流观测值), raw or aggregated in SQL (interval=1h&agg=avg|min|max|count)
         * @description from inclusive, to exclusive. Without interval: observations in time order. With interval (15m, 1h, 1d, 1w, 1mo, 1y or ISO 8601): one value per non-empty bucket, aligned in the station's time zone. Up to 10000 per page; follow nextCursor.
         */
        get: {
            parameters: {
                query?: {
                    /** @description ISO 8601 date-time with offset, or a date (local midnight at the station) */
                    from?: string;
                    to?: string;
                    interval?: string;
                    agg?: "avg" | "min" | "max" | "count";
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ObservationPage"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ledger/tasks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Ledger tasks (责任分工台账任务): all matching tasks in one response, with status and overdue flag as of a date
         * @description Overdue: the task's deadline or window has ended before asOf and its latest progress report dated on or before asOf is not `done`; `持续推进` tasks are never overdue. `department` matches a responsible or implementing department (name or id); `dueBefore` keeps tasks whose deadline or window ends on or before that date; `status=not_reported` keeps tasks without a report.
         */
        get: {
            parameters: {
                query?: {
                    /** @description e.g. 省林草局, or the department id */
                    department?: string;
                    /** @description 主要任务: 二 … 七 */
                    section?: string;
                    /** @description 措施: 三 … 二十一, with or without brackets */
                    measure?: string;
                    status?: "not_started" | "in_progress" | "done" | "blocked" | "not_reported";
                    overdue?: boolean;
                    dueBefore?: string;
                    /** @description the date the question is asked for (YYYY-MM-DD, Asia/Shanghai); default today */
                    asOf?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            asOf: string;
                            count: number;
                            tasks: components["schemas"]["Task"][];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ledger/tasks/{no}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One ledger task with its progress history and, per linked indicator, the latest value, the target and whether it is met */
        get: {
            parameters: {
                query?: {
                    /** @description the date the question is asked for (YYYY-MM-DD, Asia/Shanghai); default today */
                    asOf?: string;
                };
                header?: never;
                path: {
                    no: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TaskDetail"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ledger/tasks/{no}/progress": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report progress on a task (报送进展): append-only; the latest report (by asOf) gives the status
         * @description A department token reports only on tasks its department is linked to, as a listed 责任部门 or as an implementing department (各市州人民政府 implements every task); admin on any task. Evidence: links (http/https) or files uploaded first with POST /v1/files by the same department. asOf (default today, Asia/Shanghai) may be in the past, never in the future. 201 when stored; 200 with `duplicate: true` when the same token sends the same report again (a retry).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    no: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        status: "not_started" | "in_progress" | "done" | "blocked";
                        note?: string;
                        evidence?: ({
                            title: string;
                            url: string;
                        } | {
                            title: string;
                            /** Format: uuid */
                            fileId: string;
                        })[];
                        asOf?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            progress: components["schemas"]["Progress"];
                            task: components["schemas"]["Task"];
                            /** @description the same token sent the same report before (a retry): nothing new was stored */
                            duplicate: boolean;
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            progress: components["schemas"]["Progress"];
                            task: components["schemas"]["Task"];
                            /** @description the same token sent the same report before (a retry): nothing new was stored */
                            duplicate: boolean;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ledger/departments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Departments (责任部门) with their tasks and how many are done, in progress, overdue and due in the next 180 days
         * @description `counts` covers every task a department is linked to (responsible or implementing); `responsibleCounts` only those it is a listed 责任部门 of.
         */
        get: {
            parameters: {
                query?: {
                    /** @description the date the question is asked for (YYYY-MM-DD, Asia/Shanghai); default today */
                    asOf?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            asOf: string;
                            dueSoonDays: number;
                            departments: components["schemas"]["DepartmentSummary"][];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reports/assessment": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The assessment report (评估报告), built now: targets with value, gap and met / not met, per prefecture and priority area, ledger, data coverage, provenance
         * @description format=json|csv|html. Values come from the latest completed indicator run per indicator, region and year; targets without a number show the seed's Chinese wording.
         */
        get: {
            parameters: {
                query?: {
                    /** @description default: the newest year with a completed run for the region */
                    year?: number;
                    /** @description region code; default the province (level province of the newest regions dataset) */
                    region?: string;
                    /** @description the ledger's date for overdue tasks (default today, Asia/Shanghai) */
                    asOf?: string;
                    /** @description json (default), csv (UTF-8 with BOM, for Excel) or html (printable A4 page) */
                    format?: "json" | "csv" | "html";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The report as JSON, CSV (UTF-8 with BOM, for Excel) or a printable HTML page (format=…) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AssessmentReport"];
                        "text/csv": string;
                        "text/html": string;
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Frozen reports, newest first, with their review status */
        get: {
            parameters: {
                query?: {
                    year?: number;
                    region?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            reports: {
                                reportId: string;
                                year: number;
                                regionCode: string;
                                asOf: string;
                                createdAt: string;
                                createdBy: string;
                                snapshotSha256: string;
                                /** @description pending, approved or returned */
                                reviewStatus: string;
                            }[];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        /** Freeze an assessment report (冻结报告): an immutable snapshot with its run ids — 201 */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description default: the newest year with a completed run for the region */
                        year?: number;
                        /** @description region code; default the province (level province of the newest regions dataset) */
                        region?: string;
                        /** @description the ledger's date for overdue tasks (default today, Asia/Shanghai) */
                        asOf?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FrozenReport"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A frozen report exactly as it was frozen (format=json|csv|html), with its sign-off */
        get: {
            parameters: {
                query?: {
                    /** @description json (default), csv (UTF-8 with BOM, for Excel) or html (printable A4 page) */
                    format?: "json" | "csv" | "html";
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The frozen report with its sign-off (JSON), or its CSV or HTML rendering (format=…) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FrozenReport"];
                        "text/csv": string;
                        "text/html": string;
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reports/{id}/review": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign off a frozen report (审核): approved or returned (returned needs a comment and is final) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        decision: "approved" | "returned";
                        comment?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            reportId: string;
                            kind: string;
                            year: number;
                            regionCode: string;
                            asOf: string;
                            createdAt: string;
                            createdBy: string;
                            /** @description SHA-256 of the snapshot's canonical JSON (keys sorted) */
                            snapshotSha256: string;
                            runIds: string[];
                            review: {
                                status: "pending" | "approved" | "returned";
                                reviews: {
                                    id: number;
                                    decision: "approved" | "returned";
                                    comment: string;
                                    reviewer: string;
                                    reviewerRole: string;
                                    /** @description the reviewer's token also froze the report */
                                    selfReview: boolean;
                                    reviewedAt: string;
                                }[];
                            };
                            /** @description the AssessmentReport exactly as it was frozen (its schemaVersion tells its shape) */
                            report: {
                                [key: string]: unknown;
                            };
                            /** @description the same review again (a retry): nothing new was recorded */
                            duplicate: boolean;
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            reportId: string;
                            kind: string;
                            year: number;
                            regionCode: string;
                            asOf: string;
                            createdAt: string;
                            createdBy: string;
                            /** @description SHA-256 of the snapshot's canonical JSON (keys sorted) */
                            snapshotSha256: string;
                            runIds: string[];
                            review: {
                                status: "pending" | "approved" | "returned";
                                reviews: {
                                    id: number;
                                    decision: "approved" | "returned";
                                    comment: string;
                                    reviewer: string;
                                    reviewerRole: string;
                                    /** @description the reviewer's token also froze the report */
                                    selfReview: boolean;
                                    reviewedAt: string;
                                }[];
                            };
                            /** @description the AssessmentReport exactly as it was frozen (its schemaVersion tells its shape) */
                            report: {
                                [key: string]: unknown;
                            };
                            /** @description the same review again (a retry): nothing new was recorded */
                            duplicate: boolean;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload an evidence file (上传佐证材料): PDF, image or office document, at most 20 MB — 201 with its fileId
         * @description multipart/form-data with one part "file". The type is checked by content (magic bytes; OOXML by its entries): PDF, PNG, JPEG, GIF, WebP, docx, xlsx, pptx, doc, xls, ppt. Anything else is 415. Cite the fileId in POST /v1/ledger/tasks/{no}/progress evidence.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            fileId: string;
                            originalName: string;
                            mime: string;
                            sizeBytes: number;
                            sha256: string;
                            department: string | null;
                            /** Format: date-time */
                            createdAt: string;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/files/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download an evidence file (any token) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The file as uploaded (inline for PDF and images, else an attachment) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/pdf": string;
                        "image/png": string;
                        "image/jpeg": string;
                        "image/gif": string;
                        "image/webp": string;
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": string;
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": string;
                        "application/vnd.openxmlformats-officedocument.presentationml.presentation": string;
                        "application/msword": string;
                        "application/vnd.ms-excel": string;
                        "application/vnd.ms-powerpoint": string;
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/exports/dwca": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Request a Darwin Core Archive (导出达尔文核心数据包) with the filters of GET /v1/occurrences (JSON body or query); 202 with exportId
         * @description Sensitive taxa are generalised unless the requester is an evaluator or admin; the generalisation is fixed at request time.
         */
        post: {
            parameters: {
                query?: {
                    bbox?: string;
                    region?: string;
                    priorityArea?: string;
                    taxon?: string;
                    protectionClass?: "I" | "II";
                    from?: string;
                    to?: string;
                    eventID?: string;
                    basisOfRecord?: "HumanObservation" | "MachineObservation" | "PreservedSpecimen" | "LivingSpecimen" | "FossilSpecimen" | "MaterialSample" | "MaterialEntity" | "MaterialCitation" | "Occurrence" | "Event" | "Taxon";
                    reviewState?: "unreviewed" | "verified" | "rejected";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        bbox?: string;
                        region?: string;
                        priorityArea?: string;
                        taxon?: string;
                        protectionClass?: "I" | "II";
                        from?: string;
                        to?: string;
                        eventID?: string;
                        basisOfRecord?: "HumanObservation" | "MachineObservation" | "PreservedSpecimen" | "LivingSpecimen" | "FossilSpecimen" | "MaterialSample" | "MaterialEntity" | "MaterialCitation" | "Occurrence" | "Event" | "Taxon";
                        reviewState?: "unreviewed" | "verified" | "rejected";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            exportId: string;
                            status: string;
                            /** @description sensitive taxa generalised (the requester is below evaluator); fixed at request time */
                            generalised: boolean;
                            links: {
                                self: string;
                            };
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/exports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Status of an export and its download link (requester or admin) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Export"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/exports/{id}/download": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download a completed Darwin Core Archive (requester or admin), streamed */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The Darwin Core Archive (zip) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/zip": string;
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ogc": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** OGC API – Features landing page */
        get: {
            parameters: {
                query?: {
                    /** @description json: application/json; geojson (default for features): application/geo+json */
                    f?: "json" | "geojson";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            title: string;
                            description: string;
                            links: components["schemas"]["OgcLink"][];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ogc/api": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The API definition (OpenAPI 3.0) */
        get: {
            parameters: {
                query?: {
                    /** @description json: application/json; geojson (default for features): application/geo+json */
                    f?: "json" | "geojson";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description This server's OpenAPI 3.0 document */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/vnd.oai.openapi+json": {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ogc/conformance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Conformance classes: core, geojson, oas30 */
        get: {
            parameters: {
                query?: {
                    /** @description json: application/json; geojson (default for features): application/geo+json */
                    f?: "json" | "geojson";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            conformsTo: string[];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ogc/collections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Feature collections (extents of what the caller may see) */
        get: {
            parameters: {
                query?: {
                    /** @description json: application/json; geojson (default for features): application/geo+json */
                    f?: "json" | "geojson";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            links: components["schemas"]["OgcLink"][];
                            collections: components["schemas"]["OgcCollection"][];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ogc/collections/{collectionId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One feature collection */
        get: {
            parameters: {
                query?: {
                    /** @description json: application/json; geojson (default for features): application/geo+json */
                    f?: "json" | "geojson";
                };
                header?: never;
                path: {
                    collectionId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OgcCollection"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ogc/collections/{collectionId}/items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Features of a collection: bbox (CRS84), datetime, limit, next; occurrences also take the GET /v1/occurrences filters */
        get: {
            parameters: {
                query?: {
                    /** @description minLon,minLat,maxLon,maxLat (CRS84) */
                    bbox?: string;
                    "bbox-crs"?: "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
                    /** @description RFC 3339 instant, a date, or an interval start/end (.. for open) */
                    datetime?: string;
                    limit?: number;
                    /** @description position from a next link (opaque) */
                    next?: string;
                    /** @description json: application/json; geojson (default for features): application/geo+json */
                    f?: "json" | "geojson";
                    region?: string;
                    priorityArea?: string;
                    taxon?: string;
                    protectionClass?: "I" | "II";
                    eventID?: string;
                    basisOfRecord?: "HumanObservation" | "MachineObservation" | "PreservedSpecimen" | "LivingSpecimen" | "FossilSpecimen" | "MaterialSample" | "MaterialEntity" | "MaterialCitation" | "Occurrence" | "Event" | "Taxon";
                    reviewState?: "unreviewed" | "verified" | "rejected";
                };
                header?: never;
                path: {
                    collectionId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of features: GeoJSON, or JSON with f=json */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/geo+json": {
                            /** @description FeatureCollection */
                            type: string;
                            timeStamp: string;
                            numberMatched?: number;
                            numberReturned: number;
                            features: ({
                                /** @description Feature */
                                type: string;
                                id?: string | number;
                                geometry: ({
                                    /** @description Point, LineString, Polygon, MultiPolygon, … */
                                    type: string;
                                    coordinates?: unknown;
                                    geometries?: unknown;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                                /** @description the feature's properties (an occurrence, event, station, layer feature or indicator result) */
                                properties: {
                                    [key: string]: unknown;
                                } | null;
                            } & {
                                [key: string]: unknown;
                            })[];
                            links: components["schemas"]["OgcLink"][];
                        } & {
                            [key: string]: unknown;
                        };
                        "application/json": {
                            /** @description FeatureCollection */
                            type: string;
                            timeStamp: string;
                            numberMatched?: number;
                            numberReturned: number;
                            features: ({
                                /** @description Feature */
                                type: string;
                                id?: string | number;
                                geometry: ({
                                    /** @description Point, LineString, Polygon, MultiPolygon, … */
                                    type: string;
                                    coordinates?: unknown;
                                    geometries?: unknown;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                                /** @description the feature's properties (an occurrence, event, station, layer feature or indicator result) */
                                properties: {
                                    [key: string]: unknown;
                                } | null;
                            } & {
                                [key: string]: unknown;
                            })[];
                            links: components["schemas"]["OgcLink"][];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ogc/collections/{collectionId}/items/{featureId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One feature */
        get: {
            parameters: {
                query?: {
                    /** @description json: application/json; geojson (default for features): application/geo+json */
                    f?: "json" | "geojson";
                };
                header?: never;
                path: {
                    collectionId: string;
                    featureId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The feature: GeoJSON, or JSON with f=json */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/geo+json": {
                            /** @description Feature */
                            type: string;
                            id?: string | number;
                            geometry: ({
                                /** @description Point, LineString, Polygon, MultiPolygon, … */
                                type: string;
                                coordinates?: unknown;
                                geometries?: unknown;
                            } & {
                                [key: string]: unknown;
                            }) | null;
                            /** @description the feature's properties (an occurrence, event, station, layer feature or indicator result) */
                            properties: {
                                [key: string]: unknown;
                            } | null;
                            links: components["schemas"]["OgcLink"][];
                        } & {
                            [key: string]: unknown;
                        };
                        "application/json": {
                            /** @description Feature */
                            type: string;
                            id?: string | number;
                            geometry: ({
                                /** @description Point, LineString, Polygon, MultiPolygon, … */
                                type: string;
                                coordinates?: unknown;
                                geometries?: unknown;
                            } & {
                                [key: string]: unknown;
                            }) | null;
                            /** @description the feature's properties (an occurrence, event, station, layer feature or indicator result) */
                            properties: {
                                [key: string]: unknown;
                            } | null;
                            links: components["schemas"]["OgcLink"][];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tiles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Vector tile layers and their TileJSON documents */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            layers: {
                                id: string;
                                /** @description URL of its TileJSON */
                                tilejson: string;
                                /** @description URL template {z}/{x}/{y}.mvt */
                                tiles: string;
                            }[];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tiles/{layer}/tilejson.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** TileJSON 3.0 of a layer */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    layer: "regions" | "protected-areas" | "occurrences" | "stations";
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description TileJSON 3.0 */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description 3.0.0 */
                            tilejson: string;
                            name?: string;
                            description?: string;
                            version?: string;
                            attribution?: string;
                            scheme?: string;
                            tiles: string[];
                            minzoom?: number;
                            maxzoom?: number;
                            bounds?: number[];
                            center?: number[];
                            vector_layers?: ({
                                id: string;
                                description?: string;
                                minzoom?: number;
                                maxzoom?: number;
                                fields?: {
                                    [key: string]: string;
                                };
                            } & {
                                [key: string]: unknown;
                            })[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tiles/{layer}/{z}/{x}/{y}.mvt": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A Mapbox vector tile (z/x/y, Web Mercator); occurrences clustered at low zoom, sensitive taxa generalised unless evaluator/admin */
        get: {
            parameters: {
                query?: {
                    taxon?: string;
                    region?: string;
                    protectionClass?: "I" | "II";
                    from?: string;
                    to?: string;
                };
                header?: {
                    /** @description the ETag of a copy you hold: 304 when unchanged */
                    "if-none-match"?: string;
                };
                path: {
                    layer: "regions" | "protected-areas" | "occurrences" | "stations";
                    z: number;
                    x: number;
                    y: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The tile (Mapbox Vector Tile 2.1) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/vnd.mapbox-vector-tile": string;
                    };
                };
                /** @description Not modified: the ETag matched */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/downloads/occurrences": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download occurrences (下载物种记录) as CSV or GeoJSON, streamed, with the filters of GET /v1/occurrences; sensitive taxa generalised unless evaluator/admin */
        get: {
            parameters: {
                query?: {
                    bbox?: string;
                    region?: string;
                    priorityArea?: string;
                    taxon?: string;
                    protectionClass?: "I" | "II";
                    from?: string;
                    to?: string;
                    eventID?: string;
                    basisOfRecord?: "HumanObservation" | "MachineObservation" | "PreservedSpecimen" | "LivingSpecimen" | "FossilSpecimen" | "MaterialSample" | "MaterialEntity" | "MaterialCitation" | "Occurrence" | "Event" | "Taxon";
                    reviewState?: "unreviewed" | "verified" | "rejected";
                    /** @description csv (UTF-8 with BOM) or geojson */
                    format?: "csv" | "geojson";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description CSV (UTF-8 with BOM, for Excel) or a GeoJSON FeatureCollection (format=geojson), streamed */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": string;
                        "application/geo+json": string;
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/downloads/observations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download station observations (下载监测数据) as CSV or GeoJSON, streamed; station tokens get their own station, departments name a station */
        get: {
            parameters: {
                query?: {
                    station?: string;
                    datastream?: string;
                    from?: string;
                    to?: string;
                    /** @description csv (UTF-8 with BOM) or geojson */
                    format?: "csv" | "geojson";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description CSV (UTF-8 with BOM, for Excel) or a GeoJSON FeatureCollection (format=geojson), streamed */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": string;
                        "application/geo+json": string;
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/downloads/layers/{datasetId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download a layer dataset version (下载图层) as CSV (WKT geometry) or GeoJSON, streamed */
        get: {
            parameters: {
                query?: {
                    /** @description csv (UTF-8 with BOM) or geojson */
                    format?: "csv" | "geojson";
                };
                header?: never;
                path: {
                    datasetId: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description CSV (UTF-8 with BOM, for Excel) or a GeoJSON FeatureCollection (format=geojson), streamed */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": string;
                        "application/geo+json": string;
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/downloads/indicator-results": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download indicator results by region (下载指标结果): the newest completed value per indicator, region and year; CSV or GeoJSON */
        get: {
            parameters: {
                query?: {
                    fromYear?: number;
                    toYear?: number;
                    /** @description csv (UTF-8 with BOM) or geojson */
                    format?: "csv" | "geojson";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description CSV (UTF-8 with BOM, for Excel) or a GeoJSON FeatureCollection (format=geojson), streamed */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": string;
                        "application/geo+json": string;
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's token: role and scope (team, station, department) (当前令牌的角色与范围) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            role: string;
                            label: string;
                            team: string | null;
                            stationId: string | null;
                            departmentId: number | null;
                            departmentName: string | null;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Alerts (预警列表), newest first: invasive species in new places, sensitive detections, silent stations, indicators off target, declines, imports
         * @description Any token. Evaluators and admins see every alert exactly; other roles never see sensitive-species detections, and no alert they see holds an exact point of a sensitive taxon (cell id and centre only). Filters take comma-separated values.
         */
        get: {
            parameters: {
                query?: {
                    /** @description open, acknowledged, resolved */
                    status?: string;
                    /** @description invasive_new_cell, sensitive_detection, station_silent, station_data_gap, indicator_deadline, indicator_drop, indicator_species_decline, import_problem, forest_loss_in_protected_area */
                    rule?: string;
                    /** @description region or priority-area code; matches alerts in it (220000 = all of Jilin) */
                    region?: string;
                    /** @description info, warning, critical */
                    severity?: string;
                    /** @description alerts last seen at or after this ISO 8601 date or date-time */
                    since?: string;
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            alerts: components["schemas"]["Alert"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One alert with its history (opened, updated, acknowledged, resolved: who and when) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            rule: string;
                            ruleNameZh: string | null;
                            ruleNameEn: string | null;
                            /** @description what the alert is about, e.g. taxon=143;cell=10000:170:492 (one open alert per rule and subject) */
                            subjectKey: string;
                            /** @description info, warning or critical */
                            severity: string;
                            /** @description open, acknowledged or resolved */
                            status: string;
                            titleZh: string;
                            titleEn: string;
                            region: {
                                code: string | null;
                                name: string | null;
                                codes: string[];
                            };
                            taxon: {
                                id: number;
                                scientificName: string;
                                chineseName: string | null;
                            } | null;
                            cellId: string | null;
                            /** @description the rule's evidence (records, values, stations); open-ended */
                            details: {
                                [key: string]: unknown;
                            };
                            firstSeen: string;
                            lastSeen: string;
                            /** @description how often the condition was seen */
                            occurrences: number;
                            acknowledged: {
                                by: string | null;
                                at: string;
                            } | null;
                            resolved: {
                                by: string | null;
                                at: string;
                                automatic: boolean;
                            } | null;
                            /** @description evaluators and admins only (sensitive species) */
                            privileged: boolean;
                            /** @description opened, updated, acknowledged, resolved: who and when */
                            events: {
                                id: number;
                                kind: string;
                                at: string;
                                role: string;
                                actor: string;
                                note: string | null;
                            }[];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts/{id}/ack": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Acknowledge an alert (确认): open → acknowledged; again is a no-op; a resolved alert answers 409 */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            /** @description optional: { "note": "…" } (at most 2,000 characters) */
            requestBody: {
                content: {
                    "application/json": unknown;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            rule: string;
                            ruleNameZh: string | null;
                            ruleNameEn: string | null;
                            /** @description what the alert is about, e.g. taxon=143;cell=10000:170:492 (one open alert per rule and subject) */
                            subjectKey: string;
                            /** @description info, warning or critical */
                            severity: string;
                            /** @description open, acknowledged or resolved */
                            status: string;
                            titleZh: string;
                            titleEn: string;
                            region: {
                                code: string | null;
                                name: string | null;
                                codes: string[];
                            };
                            taxon: {
                                id: number;
                                scientificName: string;
                                chineseName: string | null;
                            } | null;
                            cellId: string | null;
                            /** @description the rule's evidence (records, values, stations); open-ended */
                            details: {
                                [key: string]: unknown;
                            };
                            firstSeen: string;
                            lastSeen: string;
                            /** @description how often the condition was seen */
                            occurrences: number;
                            acknowledged: {
                                by: string | null;
                                at: string;
                            } | null;
                            resolved: {
                                by: string | null;
                                at: string;
                                automatic: boolean;
                            } | null;
                            /** @description evaluators and admins only (sensitive species) */
                            privileged: boolean;
                            /** @description false when the alert already was in that state */
                            changed: boolean;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts/{id}/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resolve an alert (解除): open or acknowledged → resolved; again is a no-op
         * @description A resolved alert of a condition rule (a silent station, an indicator off target) is not raised again until its condition has cleared once.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            /** @description optional: { "note": "…" } (at most 2,000 characters) */
            requestBody: {
                content: {
                    "application/json": unknown;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            rule: string;
                            ruleNameZh: string | null;
                            ruleNameEn: string | null;
                            /** @description what the alert is about, e.g. taxon=143;cell=10000:170:492 (one open alert per rule and subject) */
                            subjectKey: string;
                            /** @description info, warning or critical */
                            severity: string;
                            /** @description open, acknowledged or resolved */
                            status: string;
                            titleZh: string;
                            titleEn: string;
                            region: {
                                code: string | null;
                                name: string | null;
                                codes: string[];
                            };
                            taxon: {
                                id: number;
                                scientificName: string;
                                chineseName: string | null;
                            } | null;
                            cellId: string | null;
                            /** @description the rule's evidence (records, values, stations); open-ended */
                            details: {
                                [key: string]: unknown;
                            };
                            firstSeen: string;
                            lastSeen: string;
                            /** @description how often the condition was seen */
                            occurrences: number;
                            acknowledged: {
                                by: string | null;
                                at: string;
                            } | null;
                            resolved: {
                                by: string | null;
                                at: string;
                                automatic: boolean;
                            } | null;
                            /** @description evaluators and admins only (sensitive species) */
                            privileged: boolean;
                            /** @description false when the alert already was in that state */
                            changed: boolean;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alert-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Alert rules (预警规则) with their configuration and defaults */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rules: components["schemas"]["AlertRule"][];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        /**
         * Configure alert rules (admin): enable or disable, severity, parameters (keys given replace the stored ones)
         * @description All or nothing: when any change is invalid, 400 names the failing fields and nothing is stored.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        rules: {
                            code: string;
                            enabled?: boolean;
                            severity?: string;
                            params?: {
                                [key: string]: unknown;
                            };
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rules: components["schemas"]["AlertRule"][];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Webhook subscriptions with delivery counts (never their secrets) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            webhooks: components["schemas"]["Webhook"][];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Subscribe a URL to alerts (admin): the answer shows the secret this once
         * @description includeSensitive: true lets sensitive-species alerts (evaluator and admin only) reach this URL; other subscriptions never receive them. events default to ["opened"]. The URL is http or https without credentials; its host must be, and resolve only to, public addresses (loopback, private, link-local, CGNAT, metadata and other special addresses are refused with 422, details.errors[0].code WEBHOOK_URL_FORBIDDEN, unless BIOMON_WEBHOOK_ALLOW_PRIVATE lists them).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        url: string;
                        /** @description HMAC key; generated when absent */
                        secret?: string;
                        description?: string;
                        includeSensitive?: boolean;
                        /** @description only these rules; all when absent */
                        rules?: string[];
                        /** @description info, warning or critical */
                        minSeverity?: string;
                        /** @description opened, updated, acknowledged, resolved */
                        events?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            url: string;
                            description: string;
                            includeSensitive: boolean;
                            /** @description only these rules; null: all */
                            rules: string[] | null;
                            minSeverity: string;
                            events: string[];
                            createdAt: string;
                            deliveries: {
                                pending: number;
                                delivered: number;
                                dead: number;
                            };
                            /** @description the HMAC key, shown this once */
                            secret: string;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a subscription; its pending deliveries are cancelled, its history kept */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a signed ping now and report the receiver's answer (not retried)
         * @description Answers { delivered, statusCode, errorCode, error, durationMs, idempotencyKey }: on failure a stable errorCode (WEBHOOK_URL_FORBIDDEN, WEBHOOK_URL_UNRESOLVABLE, WEBHOOK_TIMEOUT, WEBHOOK_CONNECT_FAILED, WEBHOOK_TLS_FAILED, WEBHOOK_HTTP_STATUS) and a short generic reason.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            delivered: boolean;
                            statusCode: number | null;
                            /** @description WEBHOOK_URL_FORBIDDEN, WEBHOOK_URL_UNRESOLVABLE, WEBHOOK_TIMEOUT, WEBHOOK_CONNECT_FAILED, WEBHOOK_TLS_FAILED or WEBHOOK_HTTP_STATUS */
                            errorCode: string | null;
                            error: string | null;
                            durationMs: number;
                            idempotencyKey: string;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/dead-letters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Deliveries that failed their last try, with the payload as sent */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deadLetters: {
                                id: number;
                                idempotencyKey: string;
                                alertEventId: number;
                                attempts: number;
                                lastStatusCode: number | null;
                                lastError: string | null;
                                failedAt: string;
                                /** @description the body as it was sent */
                                payload: unknown;
                            }[];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/screenings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Screen a project footprint (项目影响筛查): 202 with its id; the worker computes it within seconds
         * @description Either JSON `{ name, footprint (GeoJSON polygons), buffersKm (default [5]), speciesYears (default 10), crs (wgs84|gcj02|bd09), datasets }`, or multipart/form-data with one part "file" — GeoJSON, KML, KMZ or a zipped shapefile — and `name`, `buffersKm=1,5,10`, `speciesYears`, `crs` in the query string. A footprint that is not polygons is 422 FOOTPRINT_INVALID naming the field.
         */
        post: {
            parameters: {
                query?: {
                    name?: string;
                    /** @description e.g. 1,5,10 */
                    buffersKm?: string;
                    speciesYears?: number;
                    crs?: "wgs84" | "gcj02" | "bd09";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description 项目名称 the project */
                        name: string;
                        /** @description GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection of polygons */
                        footprint: {
                            [key: string]: unknown;
                        };
                        buffersKm?: number[];
                        /** @description records of the last N years (default 10) */
                        speciesYears?: number;
                        crs?: "wgs84" | "gcj02" | "bd09";
                        datasets?: {
                            protectedAreas?: number;
                            landCover?: number;
                            ecosystems?: number;
                            regions?: number;
                        };
                    };
                    "application/geo+json": {
                        /** @description 项目名称 the project */
                        name: string;
                        /** @description GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection of polygons */
                        footprint: {
                            [key: string]: unknown;
                        };
                        buffersKm?: number[];
                        /** @description records of the last N years (default 10) */
                        speciesYears?: number;
                        crs?: "wgs84" | "gcj02" | "bd09";
                        datasets?: {
                            protectedAreas?: number;
                            landCover?: number;
                            ecosystems?: number;
                            regions?: number;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            screeningId: string;
                            /** Format: uuid */
                            rerunOf?: string;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/screenings/{id}/rerun": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-run a screening on the newest data (重新筛查): a new screening of the same footprint, buffers and window; the old one stays */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            screeningId: string;
                            /** Format: uuid */
                            rerunOf?: string;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/screenings/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A screening (筛查结果): status, inputs, dataset versions and, once completed, the result as the caller may see it (immutable) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            screeningId: string;
                            name: string;
                            status: "queued" | "running" | "completed" | "failed";
                            createdAt: string;
                            startedAt: string | null;
                            finishedAt: string | null;
                            asOf: string;
                            requestedBy: {
                                role: string;
                                label: string;
                            };
                            rerunOf: string | null;
                            buffersKm: number[];
                            speciesYears: number;
                            datasets: {
                                protectedAreas: number | null;
                                landCover: number | null;
                                ecosystems: number | null;
                                regions: number | null;
                            };
                            rulesVersion: string;
                            /** @description how the footprint was read: format, file name, CRS, polygons, repair */
                            source: unknown;
                            /** @description the footprint as stored (GeoJSON MultiPolygon, WGS84) */
                            footprint: unknown;
                            footprintHa: number;
                            error: string | null;
                            result: unknown | (never | null);
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/screenings/{id}/report.html": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The A4 screening report in Chinese (筛查报告): map, tables, verdict; 409 until completed */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The report as one HTML page */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/germplasm/institutions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Germplasm holding institutions (种质资源保存机构): seed banks, botanical gardens, breeding farms, culture collections, rescue centres */
        get: {
            parameters: {
                query?: {
                    type?: "seed_bank" | "botanical_garden" | "breeding_farm" | "culture_collection" | "rescue_centre" | "field_genebank" | "other";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            institutions: components["schemas"]["GermplasmInstitution"][];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        /** Register or update a germplasm institution (登记保存机构) by its code (MCPD INSTCODE); 201 when new, 200 when updated */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description MCPD INSTCODE (FAO WIEWS, e.g. CHN001) or a provincial code (e.g. JL-GB-001) */
                        code: string;
                        name: string;
                        nameEn?: string | null;
                        type: "seed_bank" | "botanical_garden" | "breeding_farm" | "culture_collection" | "rescue_centre" | "field_genebank" | "other";
                        /** @description WGS84 [lon, lat] */
                        location?: {
                            /** @enum {string} */
                            type: "Point";
                            coordinates: number[];
                        } | null;
                        address?: string | null;
                        department?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            institution: components["schemas"]["GermplasmInstitution"];
                            created: boolean;
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            institution: components["schemas"]["GermplasmInstitution"];
                            created: boolean;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/germplasm/accessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Germplasm accessions (种质资源编目) with their MCPD v2.1 passports; collecting sites of sensitive taxa generalised below evaluator
         * @description Filters: taxon (Chinese or Latin, synonyms and infraspecific taxa included), institution, domain, storage, sampstat. Paged by id; follow nextCursor.
         */
        get: {
            parameters: {
                query?: {
                    /** @description scientific or Chinese name; synonyms and infraspecific taxa included */
                    taxon?: string;
                    /** @description INSTCODE */
                    institution?: string;
                    domain?: "crop" | "livestock" | "aquatic" | "wild_plant" | "medicinal_plant" | "microbial";
                    /** @description MCPD STORAGE code held (one of the multi-values) */
                    storage?: number;
                    /** @description MCPD SAMPSTAT code */
                    sampstat?: number;
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessions: components["schemas"]["GermplasmAccession"][];
                            /** @description accessions matching the filters */
                            total: number;
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Register accessions (登记种质资源): up to 5000 MCPD v2.1 passports, upserted by (INSTCODE, ACCENUMB)
         * @description Each record is an object of MCPD descriptor names (and DOMAIN: crop, livestock, aquatic, wild_plant, medicinal_plant, microbial). Multi-values separated by ;. Files (CSV/TSV/XLSX) go through POST /v1/imports. 200 with the batch answer; 422 BATCH_REJECTED when nothing was stored.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        records: {
                            [key: string]: unknown;
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            inserted: number;
                            updated: number;
                            unchanged: number;
                            rejected: {
                                index: number;
                                id?: string | null;
                                errors: {
                                    field: string;
                                    code: string;
                                    message: string;
                                }[];
                            }[];
                            warnings: {
                                index: number;
                                id?: string | null;
                                flags: string[];
                                notes?: {
                                    [key: string]: string;
                                };
                            }[];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/germplasm/accessions/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download accessions as an MCPD v2.1 file (导出 MCPD): CSV (UTF-8 with BOM), TSV or Excel, the standard column names then DOMAIN
         * @description The filters of GET /v1/germplasm/accessions. Multi-values stay separated by ;. Sensitive collecting sites generalised below evaluator.
         */
        get: {
            parameters: {
                query?: {
                    /** @description scientific or Chinese name; synonyms and infraspecific taxa included */
                    taxon?: string;
                    /** @description INSTCODE */
                    institution?: string;
                    domain?: "crop" | "livestock" | "aquatic" | "wild_plant" | "medicinal_plant" | "microbial";
                    /** @description MCPD STORAGE code held (one of the multi-values) */
                    storage?: number;
                    /** @description MCPD SAMPSTAT code */
                    sampstat?: number;
                    format?: "csv" | "tsv" | "xlsx";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The MCPD file */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": string;
                        "text/tab-separated-values": string;
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": string;
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rasters/{kind}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload a raster (上传遥感栅格) as a new immutable version: a one-band GeoTIFF/COG, at most 200 MB — 202 while it is processed
         * @description multipart/form-data with one part "file". Any CRS GDAL/PROJ knows; nodata, scale and offset are honoured. A file GDAL cannot read is 422 RASTER_UNREADABLE; more than one band, a rotated or south-up geotransform, a data type other than (U)Int8–32 or Float32/64, or no CRS is 422 RASTER_UNSUPPORTED (details name the reason). Larger files: `biomon rasters import KIND FILE` (streamed). fvc takes `scale=fraction|percent` (default: percent when the maximum exceeds 1); land-cover takes `classMap` (JSON: raster code → land-cover class; default: the CLCD codes).
         */
        post: {
            parameters: {
                query: {
                    year: number;
                    source?: string;
                    scale?: "fraction" | "percent";
                    classMap?: string;
                };
                header?: never;
                path: {
                    kind: "ndvi" | "fvc" | "land-cover" | "elevation";
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            datasetId: number;
                            version: number;
                            status: string;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rasters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Raster dataset versions (遥感栅格版本列表), with their status */
        get: {
            parameters: {
                query?: {
                    kind?: "ndvi" | "fvc" | "land-cover" | "elevation";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            datasets: {
                                datasetId: number;
                                /** @description ndvi, fvc, land-cover or elevation */
                                kind: string;
                                /** @description version of this kind (1, 2, …): every upload is a new immutable version */
                                version: number;
                                /** @description vintage year */
                                year: number;
                                source: string;
                                fileName: string;
                                /** @description processing, ready or failed; the raster’s other routes answer 409 RASTER_NOT_READY until ready */
                                status: string;
                                error: {
                                    code: string;
                                    message: string;
                                } | null;
                                crs: {
                                    epsg: number | null;
                                    geographic: boolean;
                                    wkt: string;
                                };
                                width: number;
                                height: number;
                                /** @description [width, height] of a pixel in CRS units */
                                pixelSize: number[];
                                geoTransform: number[];
                                bandType: string;
                                nodata: number | null;
                                scale: number;
                                offset: number;
                                /** @description fvc only: fraction (0–1) or percent (0–100) */
                                fvcScale: string | null;
                                /** @description land-cover only: raster code → vector land-cover class */
                                classMap: {
                                    [key: string]: unknown;
                                } | null;
                                unit: string;
                                /** @description plain pixel statistics after scale and offset (gdalinfo -stats), not area-weighted */
                                stats: {
                                    [key: string]: unknown;
                                } | null;
                                /** @description WGS84 [minLon, minLat, maxLon, maxLat] */
                                bbox: number[] | null;
                                sizeBytes: number;
                                sha256: string;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                readyAt: string | null;
                            }[];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rasters/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One raster dataset: CRS, grid, nodata, scale/offset, statistics and status (poll it after an upload) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            datasetId: number;
                            /** @description ndvi, fvc, land-cover or elevation */
                            kind: string;
                            /** @description version of this kind (1, 2, …): every upload is a new immutable version */
                            version: number;
                            /** @description vintage year */
                            year: number;
                            source: string;
                            fileName: string;
                            /** @description processing, ready or failed; the raster’s other routes answer 409 RASTER_NOT_READY until ready */
                            status: string;
                            error: {
                                code: string;
                                message: string;
                            } | null;
                            crs: {
                                epsg: number | null;
                                geographic: boolean;
                                wkt: string;
                            };
                            width: number;
                            height: number;
                            /** @description [width, height] of a pixel in CRS units */
                            pixelSize: number[];
                            geoTransform: number[];
                            bandType: string;
                            nodata: number | null;
                            scale: number;
                            offset: number;
                            /** @description fvc only: fraction (0–1) or percent (0–100) */
                            fvcScale: string | null;
                            /** @description land-cover only: raster code → vector land-cover class */
                            classMap: {
                                [key: string]: unknown;
                            } | null;
                            unit: string;
                            /** @description plain pixel statistics after scale and offset (gdalinfo -stats), not area-weighted */
                            stats: {
                                [key: string]: unknown;
                            } | null;
                            /** @description WGS84 [minLon, minLat, maxLon, maxLat] */
                            bbox: number[] | null;
                            sizeBytes: number;
                            sha256: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            readyAt: string | null;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rasters/{id}/zonal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Area-true zonal statistics (分区统计，按椭球面积加权) of a raster over regions, protected areas or any polygon layer
         * @description A pixel counts for a zone when its centre lies in the zone; every statistic is weighted by the pixel’s own area on the WGS84 ellipsoid; nodata pixels are left out. Zones: `regionCodes` of the newest regions version (all when absent), or of `regions=<datasetId>`; `layer=<datasetId>` for protected areas (by id), land cover (by class) or ecosystems (by type), with `regionCodes` selecting among them. 409 RASTER_NOT_READY while the raster is processed. Statistics are stored once computed (per raster, zone dataset and zone). For a raster of more than BIOMON_ZONAL_JOB_MIN_PIXELS pixels (default 50,000,000) whose statistics are not stored yet, a worker job computes them: the answer is 202 `{ status: "computing" }` with Retry-After, and the same request answers 200 once they are stored.
         */
        get: {
            parameters: {
                query?: {
                    regionCodes?: string;
                    regions?: number;
                    layer?: number;
                };
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rasterId: number;
                            kind: string;
                            unit: string;
                            zoneDataset: {
                                datasetId: number;
                                kind: string;
                            };
                            methodVersion: number;
                            results: {
                                /** @description the zone: a region code, a protected area’s id, a land-cover class or an ecosystem type */
                                regionCode: string;
                                name: string;
                                /** @description Σ value·area / Σ area over the valid pixels whose centre lies in the zone */
                                mean: number | null;
                                min: number | null;
                                max: number | null;
                                /** @description Σ of those pixels’ areas on the WGS84 ellipsoid */
                                validAreaKm2: number;
                                pixels: number;
                                /** @description land-cover rasters only: area of each class code in the zone, on the WGS84 ellipsoid */
                                classes?: {
                                    code: number;
                                    /** @description the vector land-cover class of the code (the dataset’s class table) */
                                    class: string | null;
                                    areaKm2: number;
                                    pixels: number;
                                }[];
                            }[];
                        };
                    };
                };
                /** @description 正在计算 · a worker job computes the statistics of this large raster (once, however often it is asked); ask again after Retry-After seconds: 200 once they are stored */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "computing";
                            rasterId: number;
                            zoneDataset: {
                                datasetId: number;
                                kind: string;
                            };
                            /** @description zones whose statistics are not stored yet */
                            pendingZones: number;
                            /** @description the raster’s pixels (width × height), above BIOMON_ZONAL_JOB_MIN_PIXELS */
                            pixels: number;
                            /** @description when to ask again (the Retry-After header says the same) */
                            retryAfterSeconds: number;
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tiles/rasters/{id}/{z}/{x}/{y}.png": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A raster as PNG map tiles (栅格瓦片, Web Mercator 256 × 256): NDVI/FVC/elevation ramps, the land-cover palette; transparent where there is no data */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                    z: number;
                    x: number;
                    y: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A PNG tile */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "image/png": string;
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tiles/rasters/{id}/legend.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The legend of a raster’s tiles (图例): a colour ramp, or the land-cover classes with codes and colours */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rasterId: number;
                            kind: string;
                            unit: string;
                            /** @description ramp or classes */
                            type: string;
                            stops: {
                                value: number;
                                color: string;
                            }[];
                            classes: {
                                code: number;
                                class: string;
                                labelZh: string;
                                color: string;
                            }[];
                        };
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/land-cover/change": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Land-cover change between two versions (土地覆盖变化): area changed from each class to each other class (ha), per region, inside the counted protected areas, per protected area */
        get: {
            parameters: {
                query: {
                    /** @description the older land-cover dataset id (GET /v1/layers?kind=land-cover), or raster id with source=raster */
                    from: number;
                    /** @description the newer land-cover dataset id, or raster id with source=raster */
                    to: number;
                    /** @description comma-separated region codes; default every region of the newest regions version */
                    regionCodes?: string;
                    /** @description vector (default): from/to are land-cover layer versions (GET /v1/layers?kind=land-cover); raster: from/to are land-cover rasters (GET /v1/rasters?kind=land-cover), from of an earlier year than to — pixels cross-tabulated, each weighted by its ellipsoidal area; a to raster on another grid is warped onto the from grid (nearest neighbour) */
                    source?: "vector" | "raster";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LandCoverChange"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/land-cover/change/areas": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where the land cover changed between two versions (变化图斑), as GeoJSON: the change layer of the map, largest pieces first */
        get: {
            parameters: {
                query: {
                    from: number;
                    to: number;
                    /** @description minLon,minLat,maxLon,maxLat (WGS84) */
                    bbox?: string;
                    /** @description only forest that became another class */
                    forestLoss?: boolean;
                    limit?: number;
                    /** @description vector (default): from/to are land-cover layer versions (GET /v1/layers?kind=land-cover); raster: from/to are land-cover rasters (GET /v1/rasters?kind=land-cover), from of an earlier year than to — pixels cross-tabulated, each weighted by its ellipsoidal area; a to raster on another grid is warped onto the from grid (nearest neighbour) */
                    source?: "vector" | "raster";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LandCoverChangeAreas"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency */
        ErrorBody: {
            error: {
                /** @description stable code, e.g. VALIDATION_FAILED, NOT_FOUND, BATCH_REJECTED */
                code: string;
                message: string;
                /** @description e.g. { errors: [{ field, code, message }] } or { rejected: [...] } */
                details?: unknown;
            };
        };
        BatchResult: {
            inserted: number;
            updated: number;
            unchanged: number;
            rejected: {
                index: number;
                id?: string | null;
                datastreamId?: string;
                errors: {
                    field: string;
                    code: string;
                    message: string;
                }[];
            }[];
            warnings: {
                index: number;
                id?: string | null;
                flags: string[];
                notes?: {
                    [key: string]: string;
                };
            }[];
        };
        AuditEntry: {
            id: number;
            /** Format: date-time */
            at: string;
            tokenId: string | null;
            role: string;
            actor: string;
            /** @description e.g. occurrences.upsert, stations.create */
            action: string;
            route: string | null;
            entity: string;
            entityIds: string[];
            /** @description what the write did (counts, changes); open-ended */
            summary: unknown;
        };
        /** @description A Darwin Core occurrence; every other term it carries is included as uploaded */
        Occurrence: {
            /** @description withheld from a generalised record when it looks like a coordinate (five or more digits in a row, a decimal number, …) */
            occurrenceID?: string;
            basisOfRecord?: string;
            scientificName?: string;
            eventDate?: string;
            year?: number | null;
            month?: number | null;
            decimalLatitude: number | null;
            decimalLongitude: number | null;
            geodeticDatum?: string;
            /** @description unreviewed, verified or rejected */
            identificationVerificationStatus?: string;
            dataGeneralizations?: string;
            informationWithheld?: string;
            /** @description JSON text: the columns and keys that map to no Darwin Core term */
            dynamicProperties?: string;
            /** @description what the platform knows of the record (open-ended) */
            biomon: {
                /** @description the record's version (If-Match / version on upload) */
                version: number;
                /** @description quality flags, e.g. BASIS_OF_RECORD_ASSUMED */
                flags: string[];
                regionCodes: string[] | null;
                priorityArea: string | null;
                inCountedProtectedArea: boolean | null;
                /** @description the checklist taxon the name matched; null when it matched none */
                taxon: ({
                    acceptedName: string;
                    chineseName: string | null;
                    rank: string;
                    /** @description exact, synonym, higherrank, … */
                    match: string | null;
                    /** @description I or II (national list of 2021) */
                    protectionClass: string | null;
                } & {
                    [key: string]: unknown;
                }) | null;
                /** @description shown at the centre of its 10 km cell to this caller */
                generalised: boolean;
                /** @description a date-time, or the day only when generalised */
                createdAt: string;
                updatedAt: string;
            } & {
                [key: string]: unknown;
            };
        } & {
            [key: string]: unknown;
        };
        ImportStatus: {
            importId: string;
            fileName: string;
            sizeBytes: number;
            /** @description xlsx, xls, csv, gpx, kml, kmz, dwca, camtrap-dp */
            format: string | null;
            /** @description queued, running, completed or failed */
            status: string;
            progress: {
                rowsDone: number;
                rowsTotal: number | null;
                percent: number | null;
            };
            /** @description what the import stored (open-ended: archives add their own) */
            counts: {
                inserted?: number;
                updated?: number;
                unchanged?: number;
                rejected?: number;
                events?: {
                    inserted: number;
                    updated: number;
                    unchanged: number;
                    rejected: number;
                } & {
                    [key: string]: unknown;
                };
                warnings?: string[];
                stats?: {
                    [key: string]: unknown;
                };
            } & {
                [key: string]: unknown;
            };
            error: ({
                code: string;
                message: string;
            } & {
                [key: string]: unknown;
            }) | null;
            errorRows: number;
            team: string | null;
            stationId: string | null;
            /** @description the saved header mapping applied, by name */
            mapping: string | null;
            /** @description e.g. { crs: "gcj02" } */
            options: {
                [key: string]: unknown;
            };
            /** @description how each source column was mapped: a term, or kept in dynamicProperties */
            columns: ({
                file: string;
                columns: ({
                    column: number;
                    header: string;
                    term: string | null;
                    /** @description name, mapping, dynamicProperties or duplicate */
                    via: string;
                } & {
                    [key: string]: unknown;
                })[];
            } & {
                [key: string]: unknown;
            })[] | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            startedAt: string | null;
            /** Format: date-time */
            finishedAt: string | null;
        };
        ImportMapping: {
            name: string;
            /** @description team:…, station:… or admin */
            owner: string;
            description: string | null;
            /** @description header → Darwin Core term, or null: kept in dynamicProperties */
            columns: {
                [key: string]: string | null;
            };
            version: number;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        Datastream: {
            datastreamId: string;
            name: string | null;
            description: string | null;
            observedProperty: string;
            unitOfMeasurement: {
                symbol: string;
                name?: string;
                definition?: string;
            };
            /** @description number, integer, boolean, string or json */
            resultType: string;
            /** @description [min, max], null for an open end */
            validRange: (number | null)[] | null;
            /** @description fixed intervals in seconds; null for calendar intervals or none */
            expectedIntervalSeconds: number | null;
            /** @description ISO 8601 duration, e.g. PT10M or P1M */
            expectedInterval: string | null;
            latest?: {
                phenomenonTime: string;
                /** @description a number, boolean, string or JSON value, by resultType */
                result: unknown;
                receivedAt: string;
            } | null;
        };
        Station: {
            stationId: string;
            name: string;
            description: string | null;
            /** @description eco_station, camera_trap, acoustic, hydrological, weather or other */
            type: string;
            location: {
                /** @enum {string} */
                type: "Point";
                /** @description [lon, lat] or [lon, lat, elevation] (WGS84) */
                coordinates: number[];
            };
            /** @description a camera trap shown at the centre of its 10 km cell to this caller */
            generalised?: boolean;
            dataGeneralizations?: string;
            informationWithheld?: string;
            priorityArea: string | null;
            department: string | null;
            timeZone: string;
            properties: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /**
             * Format: date-time
             * @description the last time anything was pushed to one of its datastreams
             */
            lastSeenAt: string | null;
            datastreams: components["schemas"]["Datastream"][];
        };
        StationHealth: {
            stationId: string;
            window: {
                from: string;
                to: string;
            };
            lastSeenAt: string | null;
            lastPhenomenonTime: string | null;
            expectedSlots: number;
            observedSlots: number;
            completenessPct: number | null;
            gapCount: number;
            datastreams: {
                datastreamId: string;
                observedProperty: string;
                expectedIntervalSeconds: number | null;
                expectedInterval: string | null;
                lastPhenomenonTime: string | null;
                lastReceivedAt: string | null;
                observations: number;
                expectedSlots: number | null;
                observedSlots: number | null;
                completenessPct: number | null;
                gapCount: number | null;
                gaps: {
                    /** @description the last observation before the gap (the window start when the gap opens the window) */
                    from: string;
                    /** @description the next observation (the window end when the gap is still open) */
                    to: string;
                    missingSlots: number;
                    atWindowStart: boolean;
                    ongoing: boolean;
                }[] | null;
                /** @description ok, late, no_data or no_schedule */
                status: string;
            }[];
        };
        ObservationPage: {
            datastreamId: string;
            stationId: string;
            resultType: string;
            unitOfMeasurement: {
                symbol: string;
                name?: string;
                definition?: string;
            };
            from: string | null;
            to: string | null;
            /** @description ISO 8601 duration of the buckets; null for raw observations */
            interval: string | null;
            agg: string | null;
            /** @description raw observations (without interval) */
            observations?: {
                phenomenonTime: string;
                result: unknown;
                receivedAt: string;
            }[];
            /** @description one value per non-empty bucket (with interval) */
            buckets?: {
                time: string;
                value: number | null;
                count: number;
            }[];
            nextCursor: string | null;
        };
        LayerDataset: {
            datasetId: number;
            /** @description regions, protected-areas, land-cover, grassland-plots or ecosystems */
            kind: string;
            /** @description vintage year */
            year: number;
            source: string;
            name: string;
            /** @description the CRS the upload was in (stored as WGS84) */
            crs: string;
            features: number;
            /** Format: date-time */
            createdAt: string;
        };
        IndicatorDefinition: {
            code: string;
            nameZh: string;
            nameEn: string;
            /** @description % */
            unit: string;
            formulaZh: string;
            formulaEn: string;
            target2025: {
                value: number | null;
                text: string;
                textEn: string;
            };
            target2035: {
                value: number | null;
                text: string;
                textEn: string;
            };
            /** @description shown beside this indicator, without a target of its own */
            companionOf?: string;
        };
        IndicatorResult: {
            indicator: string;
            nameZh: string | null;
            nameEn: string | null;
            regionCode: string;
            /** @description which of the indicator's values for the region (pa_connectivity: 'd=10km', one per dispersal distance); absent when it has one */
            variant?: string;
            year: number;
            value: number | null;
            numerator: number | null;
            denominator: number | null;
            unit: string;
            target: number | null;
            targetText: string | null;
            meetsTarget: boolean | null;
            /** @description why value is null (no data, empty denominator …) */
            reason: string | null;
            /** @description why value is null, as a stable code (DATASET_MISSING, REGION_NO_AREA, NO_GRASSLAND_WITH_PLOTS, …, REASON_OTHER) */
            reasonCode?: string | null;
            /** @description the code's parameters, e.g. { kind: 'land-cover' } */
            reasonParams?: {
                [key: string]: string;
            } | null;
            /** @description 原因（中文） */
            reasonZh?: string | null;
            /** @description the reason in English (the same text as reason) */
            reasonEn?: string | null;
            /** @description inputs that were missing for this value */
            missing?: unknown;
            /** @description the computation's breakdown (per type, per unit, species …); open-ended */
            details: {
                [key: string]: unknown;
            };
            params: {
                [key: string]: unknown;
            };
            /** @description the layer dataset versions used, by kind */
            datasets: {
                [key: string]: unknown;
            };
            methodVersion: string;
            runId: string;
            /** Format: date-time */
            computedAt: string | null;
        };
        IndicatorRun: {
            runId: string;
            /** @description queued, running, completed or failed */
            status: string;
            year: number;
            indicators: string[];
            regions: string[] | null;
            datasets: {
                [key: string]: unknown;
            };
            params: {
                [key: string]: unknown;
            };
            methodVersion: string;
            progress: {
                done: number;
                total: number | null;
            };
            /** @description why the run failed; null otherwise */
            error: unknown;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            startedAt: string | null;
            /** Format: date-time */
            finishedAt: string | null;
            /** @description once completed */
            results: components["schemas"]["IndicatorResult"][];
        };
        LandCoverTransition: {
            /** @description land-cover class in the older version */
            from: string;
            /** @description land-cover class in the newer version (from = to: unchanged) */
            to: string;
            /** @description hectares, on the WGS84 ellipsoid */
            areaHa: number;
        };
        LandCoverChange: {
            /**
             * @description a pair of land-cover rasters (from/to datasetId are raster ids); absent for a pair of land-cover layer versions
             * @enum {string}
             */
            source?: "raster";
            /** @description pending: a large pair is being computed by the worker; ask again */
            status: "completed" | "pending" | "failed";
            methodVersion: string;
            from: {
                datasetId: number;
                year: number;
            };
            to: {
                datasetId: number;
                year: number;
            };
            regionsDatasetId: number | null;
            /** @description counted protected areas (BRIEF §6) of this version, as of the newer year */
            protectedAreasDatasetId: number | null;
            computedAt: string | null;
            error: string | null;
            /** @description the classes that count as forest (森林覆盖率) */
            forestClasses: string[];
            classes: {
                code: string;
                nameZh: string;
                nameEn: string;
            }[];
            regions: {
                code: string;
                name: string;
                nameEn: string | null;
                level: string;
                /** @description non-zero cells of the from × to matrix */
                matrix: components["schemas"]["LandCoverTransition"][];
                /** @description the same, inside the counted-PA union */
                insideProtectedAreas: components["schemas"]["LandCoverTransition"][];
                forestLossHa: number;
                forestGainHa: number;
                forestLossInProtectedAreasHa: number;
            }[];
            protectedAreas: {
                id: string;
                name: string;
                nameEn: string | null;
                designation: string;
                matrix: components["schemas"]["LandCoverTransition"][];
                forestLossHa: number;
                forestGainHa: number;
            }[];
        };
        LandCoverChangeAreas: {
            /** @enum {string} */
            type: "FeatureCollection";
            /**
             * @description a pair of land-cover rasters (from/to datasetId are raster ids); absent for a pair of land-cover layer versions
             * @enum {string}
             */
            source?: "raster";
            status: "completed" | "pending" | "failed";
            from: {
                datasetId: number;
                year: number;
            };
            to: {
                datasetId: number;
                year: number;
            };
            /** @description more pieces matched than limit */
            truncated: boolean;
            features: {
                /** @enum {string} */
                type: "Feature";
                /** @description GeoJSON MultiPolygon (WGS84) */
                geometry: {
                    [key: string]: unknown;
                };
                properties: {
                    from: string;
                    to: string;
                    areaHa: number;
                    /** @description forest (the classes forest_coverage counts) that became another class */
                    forestLoss: boolean;
                    fromZh: string;
                    toZh: string;
                };
            }[];
        };
        Timeline: {
            kind: "deadline" | "window" | "continuous";
            /** @description first day of a window */
            start: string | null;
            /** @description last day of a window or the deadline; null for 持续推进 */
            end: string | null;
            /** @description the 实施时间 cell as written */
            text: string;
        };
        Progress: {
            id: number;
            taskNo: number;
            status: "not_started" | "in_progress" | "done" | "blocked";
            statusZh: string;
            note: string;
            evidence: {
                title: string;
                url?: string;
                fileId?: string;
                mime?: string;
                sizeBytes?: number;
                sha256?: string;
                originalName?: string;
            }[];
            asOf: string;
            /** Format: date-time */
            reportedAt: string;
            department: string | null;
            reporterRole: string;
        };
        Task: {
            no: number;
            section: string;
            sectionTitle: string;
            measure: string;
            measureTitle: string;
            text: string;
            /** @description 责任部门 as the document lists them */
            departments: string[];
            /** @description departments that implement the task without being listed (各市州人民政府) */
            implementingDepartments: string[];
            responsibilityNote: string | null;
            timeline: components["schemas"]["Timeline"];
            /** @description of the latest report dated on or before asOf; null when there is none */
            status: ("not_started" | "in_progress" | "done" | "blocked") | (never | null);
            statusZh: string;
            latestProgress: components["schemas"]["Progress"] | (never | null);
            overdue: boolean;
            daysOverdue: number | null;
            dueNext180Days: boolean;
            /** @description codes of the linked indicators */
            indicators: string[];
            links: {
                kind: "indicator" | "data";
                ref: string;
                nameZh: string;
                nameEn: string;
            }[];
        };
        TaskDetail: {
            no: number;
            section: string;
            sectionTitle: string;
            measure: string;
            measureTitle: string;
            text: string;
            /** @description 责任部门 as the document lists them */
            departments: string[];
            /** @description departments that implement the task without being listed (各市州人民政府) */
            implementingDepartments: string[];
            responsibilityNote: string | null;
            timeline: components["schemas"]["Timeline"];
            /** @description of the latest report dated on or before asOf; null when there is none */
            status: ("not_started" | "in_progress" | "done" | "blocked") | (never | null);
            statusZh: string;
            latestProgress: components["schemas"]["Progress"] | (never | null);
            overdue: boolean;
            daysOverdue: number | null;
            dueNext180Days: boolean;
            /** @description codes of the linked indicators */
            indicators: string[];
            links: {
                kind: "indicator" | "data";
                ref: string;
                nameZh: string;
                nameEn: string;
            }[];
            asOf: string;
            /** @description every progress report, newest first */
            progress: components["schemas"]["Progress"][];
            linkedIndicators: {
                code: string;
                nameZh: string;
                nameEn: string;
                regionCode: string | null;
                year: number | null;
                value: number | null;
                unit: string;
                target: number | null;
                targetText: string;
                target2035Text: string;
                meetsTarget: boolean | null;
                reason: string | null;
                runId: string | null;
            }[];
            linkedData: {
                ref: string;
                nameZh: string;
                nameEn: string;
                figures: {
                    [key: string]: unknown;
                } | null;
                note: string | null;
            }[];
        };
        DepartmentSummary: {
            id: number;
            name: string;
            kind: string;
            tasks: {
                no: number;
                role: "responsible" | "implementing";
                status: ("not_started" | "in_progress" | "done" | "blocked") | (never | null);
                overdue: boolean;
                dueNext180Days: boolean;
                timeline: components["schemas"]["Timeline"];
            }[];
            counts: {
                tasks: number;
                done: number;
                inProgress: number;
                blocked: number;
                notStarted: number;
                notReported: number;
                overdue: number;
                dueNext180Days: number;
            };
            responsibleCounts: {
                tasks: number;
                done: number;
                inProgress: number;
                blocked: number;
                notStarted: number;
                notReported: number;
                overdue: number;
                dueNext180Days: number;
            };
        };
        ReportValue: {
            indicator: string;
            nameZh: string;
            nameEn: string;
            unit: string;
            year: number;
            value: number | null;
            numerator: number | null;
            denominator: number | null;
            /** @description 2025 target; null where the seed gives none */
            target: number | null;
            targetText: string;
            targetTextEn: string;
            target2035Text: string;
            /** @description value − target in percentage points */
            gap: number | null;
            meetsTarget: boolean | null;
            reason: string | null;
            /** @description the reason as a stable code (NO_RUN, DATASET_MISSING, NO_GRASSLAND_WITH_PLOTS, …) */
            reasonCode?: string | null;
            /** @description the reason in English */
            reasonEn?: string | null;
            runId: string | null;
            companionOf?: string;
        };
        ReportRegion: {
            code: string;
            name: string;
            nameEn: string | null;
            level: string;
            note: string | null;
            values: components["schemas"]["ReportValue"][];
        };
        CoverageRow: {
            code: string | null;
            name: string;
            surveyEvents: number;
            occurrences: number;
            species: number;
            surveyEventsInYear: number;
            occurrencesInYear: number;
            stations: number;
        };
        AssessmentReport: {
            /** @description assessment */
            kind: string;
            schemaVersion: number;
            titleZh: string;
            titleEn: string;
            year: number;
            region: {
                code: string;
                name: string;
                nameEn: string | null;
                level: string;
                note: string | null;
            };
            /** @description the ledger's date (overdue as of) */
            asOf: string;
            generatedAt: string;
            /** @description 总体目标 Overall targets, each companion value after the one it accompanies */
            overall: components["schemas"]["ReportValue"][];
            /** @description 最新数值 Headline values: per indicator, the newest year ≤ year with a value (its year), else the empty value with its reason */
            headline?: components["schemas"]["ReportValue"][];
            prefectures: components["schemas"]["ReportRegion"][];
            priorityAreas: components["schemas"]["ReportRegion"][];
            /** @description values by year for the report's region */
            series: {
                indicator: string;
                nameZh: string;
                nameEn: string;
                target: number | null;
                targetText: string;
                points: {
                    year: number;
                    value: number | null;
                    runId: string;
                }[];
            }[];
            ledger: {
                asOf: string;
                totals: {
                    tasks: number;
                    done: number;
                    inProgress: number;
                    blocked: number;
                    notStarted: number;
                    notReported: number;
                    overdue: number;
                    continuous: number;
                    withEnd: number;
                };
                overdueByDepartment: {
                    department: string;
                    kind: string;
                    overdue: number;
                    tasks: number[];
                    responsibleTasks: number;
                    done: number;
                }[];
                implementing: {
                    department: string;
                    overdue: number;
                    tasks: number;
                }[];
                overdueTasks: {
                    no: number;
                    section: string;
                    measure: string;
                    text: string;
                    departments: string[];
                    timeline: {
                        kind: string;
                        start: string | null;
                        end: string | null;
                        text: string;
                    };
                    status: string | null;
                    statusZh: string;
                    daysOverdue: number | null;
                }[];
            };
            coverage: {
                year: number;
                priorityAreas: components["schemas"]["CoverageRow"][];
                outsidePriorityAreas: components["schemas"]["CoverageRow"];
                stations: {
                    /** @description the last 7 days before the report was built */
                    window: {
                        from: string;
                        to: string;
                    };
                    total: number;
                    expectedSlots: number;
                    observedSlots: number;
                    completenessPct: number | null;
                    list: {
                        stationId: string;
                        name: string;
                        type: string;
                        priorityArea: string | null;
                        department: string | null;
                        datastreams: number;
                        expectedSlots: number;
                        observedSlots: number;
                        completenessPct: number | null;
                        gapCount: number;
                        lastSeenAt: string | null;
                    }[];
                };
            };
            provenance: {
                runIds: string[];
                runs: {
                    runId: string;
                    year: number;
                    trigger: string;
                    methodVersion: string;
                    params: {
                        [key: string]: unknown;
                    };
                    datasets: {
                        [key: string]: {
                            id: number;
                            kind: string;
                            vintageYear: number;
                            source: string;
                            name: string;
                            featureCount: number;
                            createdAt: string;
                        } | null;
                    };
                    createdAt: string;
                    finishedAt: string | null;
                }[];
                datasetVersions: {
                    id: number;
                    kind: string;
                    vintageYear: number;
                    source: string;
                    name: string;
                    featureCount: number;
                    createdAt: string;
                }[];
                methodVersions: string[];
                reportSchemaVersion: number;
                ledgerAsOf: string;
                ledgerSeed: {
                    name: string;
                    version: string;
                    appliedAt: string;
                } | null;
                stationsWindow: {
                    from: string;
                    to: string;
                };
            };
            notes: string[];
        };
        FrozenReport: {
            reportId: string;
            kind: string;
            year: number;
            regionCode: string;
            asOf: string;
            createdAt: string;
            createdBy: string;
            /** @description SHA-256 of the snapshot's canonical JSON (keys sorted) */
            snapshotSha256: string;
            runIds: string[];
            review: {
                status: "pending" | "approved" | "returned";
                reviews: {
                    id: number;
                    decision: "approved" | "returned";
                    comment: string;
                    reviewer: string;
                    reviewerRole: string;
                    /** @description the reviewer's token also froze the report */
                    selfReview: boolean;
                    reviewedAt: string;
                }[];
            };
            /** @description the AssessmentReport exactly as it was frozen (its schemaVersion tells its shape) */
            report: {
                [key: string]: unknown;
            };
        };
        Alert: {
            id: number;
            rule: string;
            ruleNameZh: string | null;
            ruleNameEn: string | null;
            /** @description what the alert is about, e.g. taxon=143;cell=10000:170:492 (one open alert per rule and subject) */
            subjectKey: string;
            /** @description info, warning or critical */
            severity: string;
            /** @description open, acknowledged or resolved */
            status: string;
            titleZh: string;
            titleEn: string;
            region: {
                code: string | null;
                name: string | null;
                codes: string[];
            };
            taxon: {
                id: number;
                scientificName: string;
                chineseName: string | null;
            } | null;
            cellId: string | null;
            /** @description the rule's evidence (records, values, stations); open-ended */
            details: {
                [key: string]: unknown;
            };
            firstSeen: string;
            lastSeen: string;
            /** @description how often the condition was seen */
            occurrences: number;
            acknowledged: {
                by: string | null;
                at: string;
            } | null;
            resolved: {
                by: string | null;
                at: string;
                automatic: boolean;
            } | null;
            /** @description evaluators and admins only (sensitive species) */
            privileged: boolean;
        };
        AlertRule: {
            code: string;
            nameZh: string;
            nameEn: string;
            descriptionZh: string;
            descriptionEn: string;
            /** @description occurrences, schedule-stations, schedule-indicators or import */
            trigger: string;
            privileged: boolean;
            enabled: boolean;
            severity: string;
            /** @description the rule's parameters (each rule its own) */
            params: {
                [key: string]: unknown;
            };
            defaults: {
                severity: string;
                params: {
                    [key: string]: unknown;
                };
            };
            /** @description stored or default */
            source: string;
            updatedAt: string | null;
        };
        Webhook: {
            id: string;
            url: string;
            description: string;
            includeSensitive: boolean;
            /** @description only these rules; null: all */
            rules: string[] | null;
            minSeverity: string;
            events: string[];
            createdAt: string;
            deliveries: {
                pending: number;
                delivered: number;
                dead: number;
            };
        };
        Export: {
            exportId: string;
            /** @description dwca */
            kind: string;
            /** @description queued, running, completed or failed */
            status: string;
            /** @description event or occurrence, once built */
            core: string | null;
            generalised: boolean;
            requesterRole: string;
            /** @description the filters of GET /v1/occurrences it was asked with */
            filters: {
                [key: string]: unknown;
            };
            /** @description rows written per file, timings (open-ended) */
            counts: {
                [key: string]: unknown;
            };
            sizeBytes: number | null;
            sha256: string | null;
            /** @description why the export failed; null otherwise */
            error: unknown;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            startedAt: string | null;
            /** Format: date-time */
            finishedAt: string | null;
            links: {
                self: string;
                /** @description once completed */
                download: string | null;
            };
        };
        OgcLink: {
            href: string;
            rel: string;
            type?: string;
            title?: string;
        } & {
            [key: string]: unknown;
        };
        OgcCollection: {
            id: string;
            title: string;
            description?: string;
            itemType?: string;
            crs?: string[];
            storageCrs?: string;
            /** @description { spatial: { bbox, crs }, temporal: { interval, trs } } of what the caller may see */
            extent?: {
                [key: string]: unknown;
            };
            links: components["schemas"]["OgcLink"][];
        } & {
            [key: string]: unknown;
        };
        GermplasmInstitution: {
            /** @description MCPD INSTCODE (FAO WIEWS, e.g. CHN001) or a provincial code */
            code: string;
            name: string;
            nameEn: string | null;
            /** @description seed_bank, botanical_garden, breeding_farm, culture_collection, rescue_centre, field_genebank or other */
            type: string;
            location: {
                /** @enum {string} */
                type: "Point";
                coordinates: number[];
            } | null;
            address: string | null;
            department: string | null;
            accessions: number;
            /** @description accessions held in living storage (STORAGE 10–13, 20, 30, 40) */
            livingAccessions: number;
            /** @description distinct checklist taxa held */
            taxa: number;
        };
        GermplasmAccession: {
            id: string;
            instcode: string;
            accenumb: string;
            institutionName: string;
            /** @description crop, livestock, aquatic, wild_plant, medicinal_plant or microbial */
            domain: string;
            /** @description GENUS SPECIES SUBTAXA as written */
            scientificName: string;
            taxon: {
                acceptedName: string;
                chineseName: string | null;
                match: string;
                protectionClass: string | null;
            } | null;
            /** @description the MCPD descriptors (standard names, multi-values separated by ;); below evaluator, those of sensitive taxa generalised */
            passport: {
                [key: string]: string;
            };
            location: {
                /** @enum {string} */
                type: "Point";
                coordinates: number[];
            } | null;
            generalised: boolean;
            dataGeneralizations: string | null;
            informationWithheld: string | null;
            version: number;
            updatedAt: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
