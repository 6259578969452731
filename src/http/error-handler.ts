// One place turns every failure into a catalogued status and body.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, apiError, validationError, type ErrorCode } from '../errors/catalogue.js';
import { QueryValidationError } from '../query/query-errors.js';
import { SearchTimeoutError, StoreBusyError } from '../store/store.js';
import { storeFault } from '../store/store-faults.js';

interface AjvIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

function fromSchemaValidation(error: FastifyError): ApiError {
  const context = (error as FastifyError & { validationContext?: string }).validationContext ?? 'body';
  const issues = (error.validation ?? []) as AjvIssue[];
  return validationError(
    issues.map((i) => {
      const path = i.instancePath.split('/').filter(Boolean).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      const named = i.keyword === 'required' ? [String(i.params['missingProperty'])] : i.keyword === 'additionalProperties' ? [String(i.params['additionalProperty'])] : [];
      return {
        loc: [context === 'querystring' ? 'query' : context, ...path, ...named],
        msg: i.keyword === 'required' ? 'field required' : i.keyword === 'additionalProperties' ? 'extra fields not permitted' : (i.message ?? 'invalid value'),
        type: i.keyword === 'required' ? 'value_error.missing' : i.keyword === 'additionalProperties' ? 'value_error.extra' : `type_error.${i.keyword}`,
      };
    }),
  );
}

export function toApiError(error: unknown): ApiError | null {
  if (error instanceof ApiError) return error;
  if (error instanceof StoreBusyError) return apiError('UNAVAILABLE', { 'retry-after': '1' });
  if (error instanceof SearchTimeoutError) return apiError('QUERY_TIMEOUT');
  if (error instanceof QueryValidationError) return new ApiError('QUERY_INVALID', { body: { error: error.responseMessage } });
  // The storage failed, not the request: the client is told when to come back.
  const fault = storeFault(error);
  if (fault !== null) return apiError('UNAVAILABLE', { 'retry-after': fault === 'full' ? '30' : '2' });
  const e = error as FastifyError;
  if (e.validation) return fromSchemaValidation(e);
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return apiError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return apiError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return validationError([{ loc: ['body'], msg: 'field required', type: 'value_error.missing' }]);
    default:
      return null;
  }
}

/** `onKnown` hears the code of every catalogued error answered (metrics count some). */
export function installErrorHandler(app: FastifyInstance, onKnown: (code: ErrorCode) => void = () => undefined): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    // The client went away before its body arrived: nobody hears the answer, nothing to log.
    // (Asked first: a database connection reset is ECONNRESET too, and a storage fault.)
    if ((error as { code?: unknown }).code === 'ECONNRESET' && (error as Error).message === 'aborted') {
      return reply.code(400).send();
    }
    // A storage fault is the operator's to act on (a full disk): logged, then answered as known.
    const fault = storeFault(error);
    if (fault !== null) request.log.error({ err: error }, fault === 'full' ? 'storage full' : 'database unreachable');
    const status = (error as { statusCode?: unknown }).statusCode;
    // The docs' static files (@fastify/static): a malformed or escaping file path is a client's
    // mistake; there is no such file.
    const known = toApiError(error) ?? (request.url.startsWith('/cdapi/docs/') && typeof status === 'number' && status >= 400 && status < 500 ? apiError('NOT_FOUND') : null);
    if (known) {
      onKnown(known.code);
      return reply.code(known.status).headers(known.headers).send(known.body);
    }
    request.log.error({ err: error }, 'unhandled error');
    const internal = apiError('INTERNAL');
    return reply.code(internal.status).send(internal.body);
  });
}
