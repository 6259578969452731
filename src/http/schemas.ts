// Shared response schemas. A response schema is the allow-list of what a body may contain, and
// also feeds the generated OpenAPI document.

const detail = { type: 'object', properties: { detail: { type: 'string' } }, required: ['detail'] } as const;
const message = { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] } as const;
const validationDetail = {
  type: 'object',
  properties: {
    detail: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          loc: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
          msg: { type: 'string' },
          type: { type: 'string' },
          ctx: { type: 'object', additionalProperties: true },
        },
      },
    },
  },
} as const;

export const errorResponses = {
  401: { description: 'Missing or invalid API key / token', ...message },
  402: { description: 'Insufficient credits', ...detail },
  404: { description: 'Not found', ...detail },
  422: { description: 'Validation error (FastAPI shape)', ...validationDetail },
  429: { description: 'Rate limit exceeded', ...message },
} as const;

export const securityRequirement: { [label: string]: string[] }[] = [{ apikey: [] }, { bearer: [] }];
