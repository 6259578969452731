// The Rollcall console: sign in with an admin token, then keys, usage, an ES-DSL playground, bulk
// data requests and subscriptions, all through the same server's admin and data APIs.
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { admin, data, describe, session, type Delivery, type Key } from './api.js';

const datasets = ['employee_clean', 'employee_multi_source', 'employee_base', 'company_base'] as const;
type Tab = 'keys' | 'usage' | 'playground' | 'requests' | 'subscriptions';

/** The plain key of a key made in this tab, for the playground (the server never shows it again). */
const madeKeys = new Map<string, string>();

function SignIn({ onDone }: { onDone: (name: string) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    session.token = token.trim();
    try {
      const me = await admin<{ name: string | null; id: string }>('GET', '/admin/v1/whoami');
      onDone(me.name ?? me.id);
    } catch (err) {
      session.token = null;
      setError((err as Error).message);
    }
  };
  return (
    <section class="signin">
      <h2>Sign in to Rollcall</h2>
      <form onSubmit={submit}>
        <p class="muted">An admin token: <code>npm start</code> prints one, <code>rollcall admin create-token</code> makes more.</p>
        <div class="row"><input id="token" type="password" placeholder="rcadm_..." value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} style="flex:1" /></div>
        <button class="primary" type="submit" id="signin">Sign in</button>
        {error && <p class="error" role="alert">{error}</p>}
      </form>
    </section>
  );
}

function Keys() {
  const [keys, setKeys] = useState<Key[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [made, setMade] = useState<{ id: string; apiKey: string } | null>(null);
  const [form, setForm] = useState({ name: '', search: '1000', collect: '1000' });
  const load = () => admin<{ keys: Key[] }>('GET', '/admin/v1/keys').then((r) => setKeys(r.keys), (e: Error) => setError(e.message));
  useEffect(() => void load(), []);
  const create = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await admin<{ key: Key; api_key: string }>('POST', '/admin/v1/keys', { name: form.name || null, search_credits: Number(form.search), collect_credits: Number(form.collect) });
      madeKeys.set(r.key.id, r.api_key);
      setMade({ id: r.key.id, apiKey: r.api_key });
      setError(null);
      await load();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      setError(null);
      await load();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const credits = (k: Key) => {
    const amount = prompt(`Credits for ${k.name ?? k.id}: a number, negative to remove`, '100');
    if (!amount) return;
    const pool = confirm('OK: collect credits. Cancel: search credits.') ? 'collect' : 'search';
    void act(() => admin('POST', `/admin/v1/keys/${k.id}/credits`, { pool, amount: Number(amount), reason: 'console' }));
  };
  return (
    <>
      <section>
        <h2>New key</h2>
        <form class="row" onSubmit={create}>
          <input id="key-name" placeholder="name" value={form.name} onInput={(e) => setForm({ ...form, name: (e.target as HTMLInputElement).value })} />
          <label>search credits <input id="key-search" size={7} value={form.search} onInput={(e) => setForm({ ...form, search: (e.target as HTMLInputElement).value })} /></label>
          <label>collect credits <input id="key-collect" size={7} value={form.collect} onInput={(e) => setForm({ ...form, collect: (e.target as HTMLInputElement).value })} /></label>
          <button class="primary" id="create-key" type="submit">Create key</button>
        </form>
        {made && <p>API key for <code>{made.id}</code>, shown only now: <span class="secret" id="new-api-key">{made.apiKey}</span></p>}
        {error && <p class="error" role="alert">{error}</p>}
      </section>
      <section>
        <h2>Keys</h2>
        <table id="keys">
          <thead><tr><th>id</th><th>name</th><th>state</th><th class="num">search</th><th class="num">collect</th><th>rate limits</th><th>datasets</th><th /></tr></thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} data-key={k.id}>
                <td><code>{k.id}</code></td>
                <td>{k.name ?? '-'}</td>
                <td><span class={`badge ${k.revoked_at ? 'revoked' : 'active'}`}>{k.revoked_at ? 'revoked' : k.expires_at && Date.parse(k.expires_at) < Date.now() ? 'expired' : 'active'}</span></td>
                <td class="num">{k.balances.search}</td>
                <td class="num">{k.balances.collect}</td>
                <td>{Object.entries(k.rate_limits).map(([g, r]) => `${g} ${r}`).join(', ') || 'defaults'}</td>
                <td>{k.datasets?.join(', ') ?? 'all'}</td>
                <td>
                  {!k.revoked_at && <button class="secondary" onClick={() => credits(k)}>Credits…</button>}{' '}
                  {!k.revoked_at && <button class="secondary danger" onClick={() => confirm(`Revoke ${k.id}?`) && void act(() => admin('DELETE', `/admin/v1/keys/${k.id}`))}>Revoke</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

interface UsageReport {
  from: string;
  to: string;
  requests: { bucket: string; requests: number; errors: number; statuses: Record<string, number> }[];
  credits: { bucket: string; pool: string; spent: number; granted: number }[];
  totals: { requests: number; errors: number; credits_spent: { search: number; collect: number } };
}

function Chart({ report }: { report: UsageReport }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    // Every hour of the window, so a quiet hour is a zero and the axis spans the whole day.
    const byHour = new Map(report.requests.map((r) => [Date.parse(r.bucket), r]));
    const first = Math.floor(Date.parse(report.from) / 3_600_000) * 3_600_000;
    const xs: number[] = [];
    const requests: number[] = [];
    const errors: number[] = [];
    for (let t = first; t < Date.parse(report.to); t += 3_600_000) {
      xs.push(t / 1000);
      requests.push(byHour.get(t)?.requests ?? 0);
      errors.push(byHour.get(t)?.errors ?? 0);
    }
    const bars = uPlot.paths.bars!({ size: [0.7, 40] });
    const plot = new uPlot(
      {
        width: Math.min(1100, el.current.clientWidth || 900), height: 240,
        series: [{}, { label: 'requests', stroke: '#2f5bea', fill: 'rgba(47,91,234,0.35)', paths: bars, points: { show: false } }, { label: 'errors', stroke: '#c0362c', fill: 'rgba(192,54,44,0.5)', paths: bars, points: { show: false } }],
        axes: [{}, { label: 'requests per hour' }],
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      },
      [xs, requests, errors],
      el.current,
    );
    return () => plot.destroy();
  }, [report]);
  return <div ref={el} id="usage-chart" data-total-requests={report.totals.requests} />;
}

function Usage() {
  const [keys, setKeys] = useState<Key[]>([]);
  const [key, setKey] = useState('');
  const [hourly, setHourly] = useState<UsageReport | null>(null);
  const [byEndpoint, setByEndpoint] = useState<UsageReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void admin<{ keys: Key[] }>('GET', '/admin/v1/keys').then((r) => setKeys(r.keys)), []);
  const load = () => {
    const q = key ? `key=${encodeURIComponent(key)}&` : '';
    Promise.all([admin<UsageReport>('GET', `/admin/v1/usage?${q}group_by=hour`), admin<UsageReport>('GET', `/admin/v1/usage?${q}group_by=endpoint`)])
      .then(([h, e]) => { setHourly(h); setByEndpoint(e); setError(null); }, (e: Error) => setError(e.message));
  };
  useEffect(load, [key]);
  return (
    <section>
      <h2>Usage, last 24 hours</h2>
      <div class="row">
        <select id="usage-key" value={key} onChange={(e) => setKey((e.target as HTMLSelectElement).value)}>
          <option value="">every key</option>
          {keys.map((k) => <option value={k.id}>{k.name ? `${k.name} (${k.id})` : k.id}</option>)}
        </select>
        <button class="secondary" id="usage-refresh" onClick={load}>Refresh</button>
        {hourly && <span class="muted" id="usage-totals">{hourly.totals.requests} requests, {hourly.totals.errors} errors, credits spent: search {hourly.totals.credits_spent.search}, collect {hourly.totals.credits_spent.collect}</span>}
      </div>
      {error && <p class="error">{error}</p>}
      {hourly && <Chart report={hourly} />}
      {byEndpoint && (
        <table id="usage-endpoints">
          <thead><tr><th>endpoint</th><th class="num">requests</th><th class="num">errors</th><th>by status</th></tr></thead>
          <tbody>{byEndpoint.requests.map((r) => <tr><td><code>{r.bucket}</code></td><td class="num">{r.requests}</td><td class="num">{r.errors}</td><td>{Object.entries(r.statuses).map(([s, n]) => `${s}: ${n}`).join(', ')}</td></tr>)}</tbody>
        </table>
      )}
    </section>
  );
}

function Playground() {
  const [dataset, setDataset] = useState<string>('employee_clean');
  const [apiKey, setApiKey] = useState(() => [...madeKeys.values()].pop() ?? '');
  const [query, setQuery] = useState('{\n  "query": { "match": { "headline": "engineer" } }\n}');
  const [result, setResult] = useState<{ kind: string; status: number; total: string | null; cost: number | null; ids?: number[]; items?: Record<string, unknown>[]; error?: string } | null>(null);
  const curl = useMemo(() => `curl -H 'apikey: ${apiKey || '$KEY'}' -H 'content-type: application/json' ${location.origin}/cdapi/v2/${dataset}/search/es_dsl -d '${query.replace(/\s+/g, ' ').replaceAll("'", "'\\''")}'`, [apiKey, dataset, query]);
  const run = async (kind: 'search' | 'preview') => {
    let body: unknown;
    try {
      body = JSON.parse(query);
    } catch (err) {
      setResult({ kind, status: 0, total: null, cost: null, error: `The query is not JSON: ${(err as Error).message}` });
      return;
    }
    const balance = async (): Promise<number | null> => {
      const own = (await admin<{ keys: Key[] }>('GET', '/admin/v1/keys')).keys.find((k) => madeKeys.get(k.id) === apiKey);
      return own ? own.balances.search : null;
    };
    const before = await balance().catch(() => null);
    const answer = await data<unknown>('POST', `/cdapi/v2/${dataset}/search/es_dsl${kind === 'preview' ? '/preview' : '?items_per_page=100'}`, apiKey, body);
    const remaining = answer.headers.get('x-credits-remaining');
    const cost = before !== null && remaining !== null ? before - Number(remaining) : null;
    if (answer.status !== 200) setResult({ kind, status: answer.status, total: null, cost, error: describe(answer) });
    else if (kind === 'search') setResult({ kind, status: 200, total: answer.headers.get('x-total-results'), cost, ids: answer.body as number[] });
    else setResult({ kind, status: 200, total: answer.headers.get('x-total-results'), cost, items: answer.body as Record<string, unknown>[] });
  };
  return (
    <section>
      <h2>ES-DSL playground</h2>
      <div class="row">
        <select id="pg-dataset" value={dataset} onChange={(e) => setDataset((e.target as HTMLSelectElement).value)}>{datasets.map((d) => <option value={d}>{d}</option>)}</select>
        <input id="pg-key" placeholder="API key (a key made here is filled in)" size={40} value={apiKey} onInput={(e) => setApiKey((e.target as HTMLInputElement).value)} />
        <button class="primary" id="pg-search" onClick={() => void run('search')}>Search</button>
        <button class="secondary" id="pg-preview" onClick={() => void run('preview')}>Preview</button>
        <button class="secondary" id="pg-curl" onClick={() => void navigator.clipboard?.writeText(curl)}>Copy as curl</button>
      </div>
      <textarea id="pg-query" rows={8} value={query} onInput={(e) => setQuery((e.target as HTMLTextAreaElement).value)} />
      <pre id="pg-curl-text">{curl}</pre>
      {result && (
        <div id="pg-result">
          <p>
            <strong>{result.kind}</strong>: HTTP {result.status}
            {result.total !== null && <> · <span id="pg-total">{result.total}</span> matching</>}
            {result.cost !== null && <> · cost <span id="pg-cost">{result.cost}</span> search credit{result.cost === 1 ? '' : 's'}</>}
          </p>
          {result.error && <p class="error" role="alert">{result.error}</p>}
          {result.ids && <pre id="pg-ids">{JSON.stringify(result.ids)}</pre>}
          {result.items && <pre id="pg-items">{JSON.stringify(result.items, null, 2)}</pre>}
        </div>
      )}
    </section>
  );
}

interface RequestRow { id: string; key_id: string; dataset: string; kind: string; state: string; records: number | null; files: number; bytes: number; created_at: string; error: { status: number; detail: string } | null; deliveries: Delivery[] }

const deliveriesText = (list: Delivery[]): string =>
  list.length === 0 ? '-' : list.map((d) => `${d.state}${d.attempts > 1 ? ` after ${d.attempts} attempts` : ''}${d.last_status ? ` (${d.last_status})` : ''}${d.last_error ? `: ${d.last_error}` : ''}`).join('; ');

function Requests() {
  const [rows, setRows] = useState<RequestRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void admin<{ data_requests: RequestRow[] }>('GET', '/admin/v1/data_requests').then((r) => setRows(r.data_requests), (e: Error) => setError(e.message)), []);
  return (
    <section>
      <h2>Bulk data requests</h2>
      {error && <p class="error">{error}</p>}
      <table id="requests">
        <thead><tr><th>created</th><th>request</th><th>key</th><th>dataset</th><th>state</th><th class="num">records</th><th>files</th><th>webhook</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td>{r.created_at.replace('T', ' ').slice(0, 19)}</td>
              <td><code>{r.id.slice(0, 8)}</code> {r.kind}</td>
              <td><code>{r.key_id}</code></td>
              <td>{r.dataset}</td>
              <td><span class={`badge ${r.state}`}>{r.state}</span>{r.error && <span class="error"> {r.error.detail}</span>}</td>
              <td class="num">{r.records ?? '-'}</td>
              <td>{r.files > 0 ? <a href={`/admin/v1/data_requests/${r.id}/files`} onClick={(e) => { e.preventDefault(); void download(r.id); }}>{r.files} ({(r.bytes / 1024).toFixed(0)} KB)</a> : '-'}</td>
              <td>{deliveriesText(r.deliveries)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Downloads each part file of a request (the admin routes need the token, so no plain links). */
async function download(id: string): Promise<void> {
  const { files } = await admin<{ files: string[] }>('GET', `/admin/v1/data_requests/${id}/files`);
  for (const name of files) {
    const res = await fetch(`/admin/v1/data_requests/${id}/files/${name}`, { headers: { authorization: `Bearer ${session.token ?? ''}` } });
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name.split('/').pop() ?? name;
    a.click();
    URL.revokeObjectURL(url);
  }
}

interface SubscriptionRow { id: string; key_id: string; type: string; selection: string; dataset: string; ids_count: number; webhook_url: string; expires_at: string; deleted_at: string | null; last_webhook_sent_at: string | null; deliveries: Delivery[] }

function Subscriptions() {
  const [rows, setRows] = useState<SubscriptionRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void admin<{ subscriptions: SubscriptionRow[] }>('GET', '/admin/v1/subscriptions').then((r) => setRows(r.subscriptions), (e: Error) => setError(e.message)), []);
  return (
    <section>
      <h2>Subscriptions</h2>
      {error && <p class="error">{error}</p>}
      <table id="subscriptions">
        <thead><tr><th>subscription</th><th>key</th><th>watches</th><th>webhook</th><th>expires</th><th class="num">delivered</th><th class="num">failed</th><th>last attempt</th></tr></thead>
        <tbody>
          {rows.map((s) => (
            <tr>
              <td><code>{s.id.slice(0, 8)}</code>{s.deleted_at && <span class="badge revoked"> deleted</span>}</td>
              <td><code>{s.key_id}</code></td>
              <td>{s.type.replace('_', ' ')} of {s.dataset} ({s.selection}{s.selection === 'ids' ? `, ${s.ids_count}` : ''})</td>
              <td><code>{s.webhook_url}</code></td>
              <td>{s.expires_at.slice(0, 10)}</td>
              <td class="num">{s.deliveries.filter((d) => d.state === 'delivered').length}</td>
              <td class="num">{s.deliveries.filter((d) => d.state === 'dead').length}</td>
              <td>{deliveriesText(s.deliveries.slice(-1))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function App() {
  const [who, setWho] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('keys');
  useEffect(() => {
    if (session.token) admin<{ name: string | null; id: string }>('GET', '/admin/v1/whoami').then((me) => setWho(me.name ?? me.id), () => (session.token = null));
  }, []);
  if (!who) return <SignIn onDone={setWho} />;
  const tabs: [Tab, string][] = [['keys', 'Keys'], ['usage', 'Usage'], ['playground', 'Playground'], ['requests', 'Data requests'], ['subscriptions', 'Subscriptions']];
  return (
    <>
      <header>
        <h1>Rollcall</h1>
        <nav>{tabs.map(([id, label]) => <button id={`tab-${id}`} class={tab === id ? 'active' : ''} onClick={() => setTab(id)}>{label}</button>)}</nav>
        <span class="who">signed in: {who} · <a href="#" onClick={(e) => { e.preventDefault(); session.token = null; setWho(null); }}>sign out</a></span>
      </header>
      <main>
        {tab === 'keys' && <Keys />}
        {tab === 'usage' && <Usage />}
        {tab === 'playground' && <Playground />}
        {tab === 'requests' && <Requests />}
        {tab === 'subscriptions' && <Subscriptions />}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
