// Small readers for DSL parameters. Each one names the query and parameter in its error so a
// client can find the mistake, in Elasticsearch's wording where it has one.
import { invalid } from './query-errors.js';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} [${String(value)}]`;
}

export function readObject(value: unknown, q: string, at: string): Json {
  if (!isObject(value)) invalid(`[${q}] query malformed, expected an object but found ${describe(value)}`, at);
  return value;
}

export function readNumber(value: unknown, q: string, param: string, at: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) invalid(`[${q}] [${param}] must be a number, found ${describe(value)}`, at);
  return n;
}

export function readInt(value: unknown, q: string, param: string, at: string): number {
  const n = readNumber(value, q, param, at);
  if (!Number.isInteger(n) || n < 0) invalid(`[${q}] [${param}] must be a non-negative integer, found ${describe(value)}`, at);
  return n;
}

export function readBool(value: unknown, q: string, param: string, at: string): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return invalid(`[${q}] [${param}] must be true or false, found ${describe(value)}`, at);
}

export function readString(value: unknown, q: string, param: string, at: string): string {
  if (typeof value !== 'string') invalid(`[${q}] [${param}] must be a string, found ${describe(value)}`, at);
  return value;
}

/** Query text: Elasticsearch accepts numbers and booleans wherever a string is expected. */
export function readText(value: unknown, q: string, param: string, at: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return invalid(`[${q}] [${param}] must be a string, number or boolean, found ${describe(value)}`, at);
}

export function readBoost(value: unknown, q: string, at: string): number {
  const n = readNumber(value, q, 'boost', at);
  if (n < 0) invalid(`[${q}] negative [boost] are not allowed`, at);
  return n;
}

/** `minimum_should_match`: an integer, or a string such as "75%", "-1", "3<90%" or "2<-25% 9<3". */
export function readMinimumShouldMatch(value: unknown, q: string, at: string): string | number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*(\d+\s*<\s*)?-?\d+%?(\s+\d+\s*<\s*-?\d+%?)*\s*$/.test(value)) return value.trim();
  return invalid(`[${q}] [minimum_should_match] has an invalid value ${describe(value)}`, at);
}

export function readEnum<T extends string>(value: unknown, allowed: readonly T[], q: string, param: string, at: string): T {
  const s = typeof value === 'string' ? value.toLowerCase() : null;
  const hit = allowed.find((a) => a === s);
  if (hit === undefined) invalid(`[${q}] [${param}] must be one of [${allowed.join(', ')}], found ${describe(value)}`, at);
  return hit;
}

type Handler = (value: unknown) => void;

/**
 * Walks a parameter object, calling one handler per key; an unknown key is an error in
 * Elasticsearch's words. `_name` (named queries) is accepted everywhere and has no effect here.
 */
export function eachParam(body: Json, q: string, at: string, handlers: Readonly<Record<string, Handler>>): void {
  for (const [key, value] of Object.entries(body)) {
    if (key === '_name') continue;
    const handler = Object.hasOwn(handlers, key) ? handlers[key] : undefined;
    if (!handler) invalid(`[${q}] query does not support [${key}]`, at);
    handler(value);
  }
}

export const ignore: Handler = () => undefined;

/**
 * The `{"<query>": {"<field>": <value or params>}}` shape shared by term-level and match queries:
 * exactly one field. Returns the field name and its value.
 */
export function singleField(body: unknown, q: string, at: string): [string, unknown] {
  const obj = readObject(body, q, at);
  const keys = Object.keys(obj);
  const [first, second] = keys;
  if (first === undefined) invalid(`[${q}] query malformed, no field specified`, at);
  if (second !== undefined) invalid(`[${q}] query doesn't support multiple fields, found [${first}] and [${second}]`, at);
  return [first, obj[first]];
}
