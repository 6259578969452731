// Calls to the same server: the admin API with the signed-in admin token, and the data API with an
// API key (the playground), each answer read as JSON with its headers.

export interface Answer<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

const tokenKey = 'rollcall.adminToken';

export const session = {
  get token(): string | null {
    return sessionStorage.getItem(tokenKey);
  },
  set token(value: string | null) {
    if (value === null) sessionStorage.removeItem(tokenKey);
    else sessionStorage.setItem(tokenKey, value);
  },
};

async function call<T>(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer<T>> {
  const res = await fetch(path, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** An admin API call; throws with the server's detail on a non-2xx. */
export async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const answer = await call<T>(method, path, { authorization: `Bearer ${session.token ?? ''}` }, body);
  if (answer.status < 200 || answer.status >= 300) throw new Error(describe(answer));
  return answer.body;
}

/** A data API call with an API key, answered as it comes (the playground shows errors as they are). */
export function data<T>(method: string, path: string, apiKey: string, body?: unknown): Promise<Answer<T>> {
  return call<T>(method, path, { apikey: apiKey }, body);
}

export function describe(answer: Answer): string {
  const b = answer.body as { detail?: unknown; message?: unknown; error?: unknown } | null;
  const text = b && typeof b === 'object' ? (b.detail ?? b.message ?? b.error) : b;
  return `${answer.status}: ${typeof text === 'string' ? text : JSON.stringify(text)}`;
}

export interface Key {
  id: string;
  name: string | null;
  created_at: string;
  revoked_at: string | null;
  expires_at: string | null;
  datasets: string[] | null;
  rate_limits: Record<string, string>;
  balances: { search: number; collect: number };
}

export interface Delivery {
  id: string;
  state: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
}
