/**
 * The one error catalogue: stable codes, their HTTP status and a default message.
 * Clients key on `code`; messages may change, codes never do.
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'The request is invalid' },
  BAD_JSON: { status: 400, message: 'The body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'This Content-Type is not accepted here' },
  BODY_TOO_LARGE: { status: 413, message: 'The body is larger than this route accepts' },
  UNAUTHENTICATED: { status: 401, message: 'A valid bearer token is required' },
  TOKEN_INVALID: { status: 401, message: 'The bearer token is unknown, revoked or expired' },
  FORBIDDEN: { status: 403, message: 'This token may not do this' },
  RECORD_OF_OTHER_OWNER: { status: 403, message: 'The record belongs to another team or station: only its owner (or an admin) may change it' },
  CURSOR_INVALID: { status: 400, message: 'The cursor is not one this server issued for this list' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed' },
  CONFLICT: { status: 409, message: 'The resource changed or already exists' },
  VERSION_CONFLICT: { status: 409, message: 'The version you sent is stale' },
  BATCH_REJECTED: { status: 422, message: 'Nothing in the batch could be stored' },
  UNPROCESSABLE: { status: 422, message: 'The content cannot be processed' },
  TEXT_INVALID_CHARACTER: { status: 422, message: 'A text value contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored' },
  RASTER_UNREADABLE: { status: 422, message: '栅格文件无法读取 The file is not a GeoTIFF that GDAL can read' },
  RASTER_UNSUPPORTED: { status: 422, message: '栅格格式不受支持 The raster is readable but not supported (bands, rotation, data type, CRS)' },
  RASTER_NOT_READY: { status: 409, message: '栅格仍在处理中 The raster is still being processed (or its processing failed)' },
  FOOTPRINT_INVALID: { status: 422, message: '项目范围无法使用 The footprint cannot be used: it must be polygons (GeoJSON, KML/KMZ or a zipped shapefile)' },
  SCREENING_NOT_READY: { status: 409, message: '筛查尚未完成 The screening has not completed (or it failed)' },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  INTERNAL: { status: 500, message: 'Internal error' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'A dependency is unavailable; retry later' },
  SHUTTING_DOWN: { status: 503, message: 'The server is shutting down; retry' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** One failing field of a record or request: `field` is a Darwin Core term, JSON pointer or parameter name. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
  }

  toBody(): { error: { code: string; message: string; details?: unknown } } {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}
