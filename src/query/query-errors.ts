// Errors raised while turning an Elasticsearch DSL body into the query AST. The HTTP layer answers
// them with 400 {"error": ...}; `responseMessage` is the exact text that goes in that body.

const PREFIX = 'Query validation failed: ';

/**
 * The DSL body is well-formed JSON but asks for something invalid. `message` is what follows
 * `Query validation failed: ` in the 400 body. `at` is the JSON path of the offending clause
 * (e.g. `query.bool.should[2].match`) when one clause is to blame; messages whose wording is
 * Coresignal's or Elasticsearch's documented text keep that text verbatim and do not repeat it.
 */
export class QueryValidationError extends Error {
  readonly at: string | null;
  /** False when the 400 body carries the message without the `Query validation failed: ` prefix. */
  readonly prefixed: boolean = true;

  constructor(message: string, at: string | null = null) {
    super(message);
    this.name = 'QueryValidationError';
    this.at = at;
  }

  /** The text of the `error` key of the 400 body. */
  get responseMessage(): string {
    return this.prefixed ? PREFIX + this.message : this.message;
  }
}

/** The body is JSON but not a search request object at all (an array, a string, null...). */
export class BodyParseError extends QueryValidationError {
  override readonly prefixed = false;

  constructor() {
    super('Failed to parse ES DSL query');
    this.name = 'BodyParseError';
  }
}

/** Throws the error for one clause: our own wording, followed by where the clause sits. */
export function invalid(message: string, at: string): never {
  throw new QueryValidationError(`${message} at [${at}]`, at);
}

/** Elasticsearch's default `indices.query.bool.max_clause_count`, confirmed for Coresignal. */
export const MAX_CLAUSES = 1024;

export function tooManyClauses(): never {
  throw new QueryValidationError(`too many clauses: maxClauseCount is set to ${MAX_CLAUSES}`);
}

/** A pattern that matches more stored terms than a search may expand (ROLLCALL_MAX_PATTERN_TERMS). */
export function tooManyPatternTerms(field: string, limit: number): never {
  throw new QueryValidationError(`too many clauses: a pattern on [${field}] matches more than ${limit} terms; make it narrower (the limit is ROLLCALL_MAX_PATTERN_TERMS)`);
}

/** Throws a documented message verbatim (Coresignal's or Elasticsearch's exact text). */
export function invalidExact(message: string, at: string | null): never {
  throw new QueryValidationError(message, at);
}
