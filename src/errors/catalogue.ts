// The one catalogue of errors Rollcall answers with. Each stable code maps to the status and body
// a Coresignal client expects (spec §2.5/§2.6). docs/errors.md lists the same table; a test keeps
// the two in sync.

export interface CatalogueEntry {
  readonly status: number;
  /** The body sent; `detail` or `message` text as a Coresignal client sees it. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly description: string;
}

export const errorCatalogue = {
  AUTH_MISSING: { status: 401, body: { message: 'No API key found in request' }, description: 'Neither an `apikey` header nor an `Authorization: Bearer` token was sent.' },
  AUTH_INVALID: { status: 401, body: { message: 'Invalid authentication credentials' }, description: 'Unknown or revoked API key; JWT with a bad signature, wrong algorithm, expired or for a revoked key.' },
  CREDITS_INSUFFICIENT: { status: 402, body: { detail: 'Insufficient credits' }, description: 'The key\'s balance for this endpoint\'s credit pool is below the cost of the call.' },
  NOT_FOUND: { status: 404, body: { detail: 'Not Found' }, description: 'No route matches the path.' },
  MEMBER_NOT_FOUND: { status: 404, body: { detail: 'Member not found' }, description: 'v1 collect: no record with that id or shorthand name.' },
  COMPANY_NOT_FOUND: { status: 404, body: { detail: 'Company not found' }, description: 'company_base collect: no company with that id or shorthand name.' },
  EMPLOYEE_NOT_FOUND: { status: 404, body: { detail: 'Employee not found' }, description: 'Clean v2 and Multi-source collect and enrich: no record with that id, shorthand name or profile URL.' },
  METHOD_NOT_ALLOWED: { status: 405, body: { detail: 'Method Not Allowed' }, description: 'The path exists but not for this HTTP method (an `Allow` header lists the methods).' },
  PAYLOAD_TOO_LARGE: { status: 413, body: { detail: 'Request body is too large' }, description: 'The request body exceeds the configured limit.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, body: { detail: 'Unsupported media type' }, description: 'The request body has a content type the endpoint does not accept.' },
  BODY_INVALID_JSON: { status: 422, body: { detail: [] }, description: 'The body is not valid JSON; `detail` is a FastAPI-style list whose entry has `type: value_error.jsondecode`.' },
  REQUEST_VALIDATION: { status: 422, body: { detail: [] }, description: 'A parameter or body field has the wrong type or value; `detail` is a FastAPI-style list naming it in `loc`.' },
  RATE_LIMITED: { status: 429, body: { message: 'API rate limit exceeded' }, description: 'The key exceeded its per-second (or per-minute) limit for this endpoint group; see `Retry-After`.' },
  QUERY_INVALID: { status: 400, body: { error: 'Query validation failed: ...' }, description: 'The ES DSL body (or its cursor) is invalid; `error` names the offending clause. A body that is JSON but not a search request answers `{"error":"Failed to parse ES DSL query"}`.' },
  FILTER_EMPTY: { status: 400, body: { detail: 'At least one filter is required' }, description: 'A search-filter body has no known filter with a value.' },
  QUERY_TIMEOUT: { status: 503, body: { error: 'Query execution was cancelled due to timeout' }, description: 'The query did not finish within the search time budget.' },
  HTTPS_REQUIRED: { status: 400, body: { detail: 'HTTPS is required: this port speaks TLS only' }, description: 'A plain-HTTP request reached the HTTPS port. No data is served.' },
  BULK_TOO_MANY_IDS: { status: 400, body: { detail: "File contains too many IDs. Maximum is 10,000 IDs" }, description: "A bulk request lists more ids, shorthand names or URLs than `ROLLCALL_BULK_MAX_RECORDS` (the number in the text follows it)." },
  BULK_INVALID_FILE: { status: 400, body: { detail: "File contains an invalid ID on line 3: \"abc\"" }, description: "The `ids_file` upload is missing, empty, larger than `ROLLCALL_BULK_UPLOAD_MAX_BYTES`, or has a line that is not a numeric id; `detail` says which." },
  BULK_INVALID_INPUT: { status: 422, body: { detail: "Input contains duplicate entries: 42" }, description: "A bulk list has duplicates, a shorthand name that breaks the naming rules, or a URL with no `/in/<name>` part; `detail` names the entry." },
  DATA_REQUEST_DUPLICATE: { status: 409, body: { detail: "Identical data request is already in progress." }, description: "The same key sent the same request (endpoint, body or file, `limit`, `webhook_url`) while an identical one is still queued or running." },
  DATA_REQUEST_NOT_FOUND: { status: 404, body: { detail: "Data request not found" }, description: "No data request with that id, or it belongs to another key." },
  DATA_REQUEST_NO_MATCHES: { status: 404, body: { detail: "No matching IDs found" }, description: "The data request finished and matched no records (text unconfirmed; spec recommendation)." },
  DATA_REQUEST_EXPIRED: { status: 404, body: { detail: "Data request files have expired" }, description: "The request finished more than `ROLLCALL_BULK_RETENTION_DAYS` (30) days ago; its files are deleted." },
  DATA_REQUEST_TOO_MANY_MATCHES: { status: 422, body: { detail: "Request matched too many IDs. Maximum is 10,000 IDs" }, description: "An `es_dsl` or `filter` request without a `limit` matched more than `ROLLCALL_BULK_MAX_RECORDS` records." },
  DATA_REQUEST_FAILED: { status: 503, body: { detail: "Data request failed; please submit it again" }, description: "The request failed repeatedly inside Rollcall (logged); nothing was charged." },
  FILE_NOT_FOUND: { status: 404, body: { detail: "File not found" }, description: "The data request has no file with that name." },
  RANGE_NOT_SATISFIABLE: { status: 416, body: { detail: "Requested range not satisfiable" }, description: "A download's `Range` header lies outside the file; `Content-Range: bytes */<size>` gives the size." },
  SUBSCRIPTION_NOT_FOUND: { status: 404, body: { detail: "Subscription not found" }, description: "No subscription with that id, it was deleted, or it belongs to another key." },
  SUBSCRIPTION_EXPIRED: { status: 400, body: { detail: "Subscription has already expired" }, description: "Renewing a subscription whose validity has ended." },
  SUBSCRIPTION_RENEWAL_LIMIT: { status: 400, body: { detail: "Subscription cannot be renewed beyond one year from its creation" }, description: "A renewal would take the subscription past `ROLLCALL_SUBSCRIPTION_MAX_LIFETIME_DAYS` (365) after its creation." },
  SUBSCRIPTION_LIMIT: { status: 400, body: { detail: "Subscription limit reached: at most 500 active subscriptions per key" }, description: "The key already has `ROLLCALL_SUBSCRIPTIONS_PER_KEY` active subscriptions (the number in the text follows it)." },
  SUBSCRIPTION_QUERY_TOO_BROAD: { status: 400, body: { detail: "Query matches too many profiles for a subscription. Maximum is 300,000" }, description: "A profile-change ES DSL subscription matches more than `ROLLCALL_SUBSCRIPTION_MAX_IDS` records." },
  SUBSCRIPTION_DATE_FIELD: { status: 422, body: { detail: "Date fields are not allowed in subscription queries: last_updated" }, description: "A subscription query names a date field (`last_updated`, `experience.date_from`, ...)." },
  DATASET_FORBIDDEN: { status: 403, body: { detail: 'This API key has no access to this dataset' }, description: 'The key was made (or changed) with a list of datasets that leaves out the one this endpoint serves.' },
  ADMIN_AUTH_MISSING: { status: 401, body: { detail: 'Admin token required' }, description: 'An admin route (`/admin/v1/...`, `/metrics`) was called without `Authorization: Bearer <admin token>`. API keys and their JWTs are never accepted there.' },
  ADMIN_AUTH_INVALID: { status: 401, body: { detail: 'Invalid admin token' }, description: 'The bearer value is not an admin token, is unknown, or was revoked (an API key or its JWT answers this too).' },
  ADMIN_KEY_NOT_FOUND: { status: 404, body: { detail: 'Key not found' }, description: 'Admin API: no API key with that id.' },
  ADMIN_CREDITS_SHORT: { status: 409, body: { detail: 'The balance is lower than the credits to remove' }, description: 'Admin API: removing more credits than the pool holds; nothing was removed.' },
  INTERNAL: { status: 500, body: { detail: 'Internal Server Error' }, description: 'An unexpected failure; it is logged with the request id.' },
  UNAVAILABLE: { status: 503, body: { detail: 'Service temporarily unavailable' }, description: 'The store is busy or shutting down; retry later.' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof errorCatalogue;

/** FastAPI/pydantic-v1 style validation item, as Coresignal's 422 bodies carry. */
export interface ValidationItem {
  loc: (string | number)[];
  msg: string;
  type: string;
  ctx?: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, options: { body?: Record<string, unknown>; headers?: Record<string, string> } = {}) {
    const entry: CatalogueEntry = errorCatalogue[code];
    super(`${code}: ${JSON.stringify(options.body ?? entry.body)}`);
    this.name = 'ApiError';
    this.code = code;
    this.status = entry.status;
    this.body = options.body ?? entry.body;
    this.headers = options.headers ?? {};
  }
}

export function apiError(code: ErrorCode, headers?: Record<string, string>): ApiError {
  return new ApiError(code, headers ? { headers } : {});
}

/** 422 with a FastAPI-shaped `detail` list. */
export function validationError(items: ValidationItem[]): ApiError {
  return new ApiError('REQUEST_VALIDATION', { body: { detail: items } });
}
