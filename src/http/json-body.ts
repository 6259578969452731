// JSON bodies are parsed here so that a malformed body answers 422 in the shape Coresignal's
// FastAPI backend uses (spec §2.5), with Python-style messages, position, line and column.
import { ApiError } from '../errors/catalogue.js';

const messages: [RegExp, string][] = [
  [/property name/i, 'Expecting property name enclosed in double quotes'],
  [/Expected ',' or/i, "Expecting ',' delimiter"],
  [/Expected ':'/i, "Expecting ':' delimiter"],
  [/non-whitespace character after JSON/i, 'Extra data'],
  [/Unterminated string/i, 'Unterminated string starting at'],
  [/Bad control character/i, 'Invalid control character at'],
];

export function jsonDecodeError(text: string, error: Error): ApiError {
  const at = /position (\d+)/.exec(error.message);
  const pos = at ? Number(at[1]) : text.length;
  const before = text.slice(0, pos);
  const lineno = before.split('\n').length;
  const colno = pos - before.lastIndexOf('\n');
  const msg = messages.find(([re]) => re.test(error.message))?.[1] ?? 'Expecting value';
  return new ApiError('BODY_INVALID_JSON', {
    body: {
      detail: [
        {
          loc: ['body', pos],
          msg: `${msg}: line ${lineno} column ${colno} (char ${pos})`,
          type: 'value_error.jsondecode',
          ctx: { msg, doc: text, pos, lineno, colno },
        },
      ],
    },
  });
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') {
    throw new ApiError('REQUEST_VALIDATION', { body: { detail: [{ loc: ['body'], msg: 'field required', type: 'value_error.missing' }] } });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw jsonDecodeError(text, error as Error);
  }
}
