// `rollcall help [COMMAND]`, `rollcall COMMAND --help` and `-h`: what each command does, its
// options and an example. Every command also takes --data-dir / --database-url (see the end).
import { rateLimitGroups } from '../config/config.js';
export const commandHelp: Readonly<Record<string, string>> = {
  serve: `rollcall serve [--data-dir DIR] [--host 127.0.0.1] [--port 8443] [--demo] [--metrics-public]

Serves the API over HTTPS (a self-signed certificate is made under DIR/tls unless one is configured).
  --host, --port     where to listen (default 127.0.0.1:8443)
  --demo             on a new data dir: generate and import demo people and print a demo key and
                     an admin token first
  --metrics-public   /metrics answers without an admin token (ROLLCALL_METRICS_PUBLIC=true)

example:
  rollcall serve --data-dir ./data --port 8443`,
  generate: `rollcall generate --people N --out DIR [--seed S] [--snapshot K]

Writes synthetic people of every dataset as JSON Lines (employee.jsonl.gz, employee_clean.jsonl.gz,
employee_multi_source.jsonl.gz, employee_base.jsonl.gz) and the companies they work for
(company_base.jsonl.gz).
  --people N     how many people
  --seed S       the same seed gives the same people (default 1)
  --snapshot K   a later snapshot of the same people, some of whom changed jobs (default 0)

example:
  rollcall generate --people 10000 --seed 1 --out ./people`,
  import: `rollcall import --dataset DATASET [--data-dir DIR] [--defer-index] [--skip-change-detection] FILE...

Imports JSON Lines files (optionally .gz), one record per line; bad lines are reported and skipped.
  --dataset                  employee (v1 member records), employee_clean (Clean v2), employee_multi_source
                             (Multi-source), employee_base (Base) or company_base (Base Company)
  --defer-index              store records at full speed; build the search index later with 'rollcall index'
  --skip-change-detection    do not record changes for subscriptions

example:
  rollcall import --data-dir ./data --dataset employee_clean ./people/employee_clean.jsonl.gz`,
  index: `rollcall index [--data-dir DIR]

Builds the search index of the records imported with --defer-index, and the bitmap postings
of every part changed since they were built (on PostgreSQL: the copy of them in DIR, which a
server started on DIR searches).

example:
  rollcall index --data-dir ./data`,
  worker: `rollcall worker [--data-dir DIR]

Runs bulk data requests and webhook deliveries without serving HTTP (beside 'rollcall serve').

example:
  rollcall worker --data-dir ./data`,
  webhooks: `rollcall webhooks list [--data-dir DIR] [--state pending|delivered|dead] [--limit N] [--json]
rollcall webhooks retry [--data-dir DIR] DELIVERY_ID

Lists webhook deliveries, or puts a dead one back in the queue.

example:
  rollcall webhooks list --data-dir ./data --state dead`,
  keys: `rollcall keys create [--data-dir DIR] [--name NAME] [--search-credits N] [--collect-credits N] [--rate-limit GROUP=PER_SECOND ...] [--json]
rollcall keys list [--data-dir DIR] [--json]
rollcall keys revoke [--data-dir DIR] KEY_ID
rollcall keys webhook-secret [--data-dir DIR] KEY_ID

Creates, lists and revokes API keys (the plain key is printed once, at creation); prints a key's
webhook signing secret. Rate-limit groups: ${rateLimitGroups.join(', ')}; 0 = unlimited.

example:
  rollcall keys create --data-dir ./data --name acme --search-credits 5000 --collect-credits 5000`,
  credits: `rollcall credits add [--data-dir DIR] KEY_ID [--search N] [--collect N]

Adds search and collect credits to a key.

example:
  rollcall credits add --data-dir ./data key_0123456789abcdef --collect 1000`,
  admin: `rollcall admin create-token [--data-dir DIR] [--name NAME] [--json]
       rollcall admin list-tokens [--data-dir DIR] [--json]
       rollcall admin revoke-token [--data-dir DIR] TOKEN_ID

Admin tokens authenticate the admin API (/admin/v1/...), /metrics and the console:
'Authorization: Bearer <admin token>'. A token is printed once and stored as a hash; API keys
never work there.

example:
  rollcall admin create-token --data-dir ./data --name ops`,
  backup: `rollcall backup --out DIR [--data-dir DIR]

Copies the store (SQLite's online backup, or pg_dump with --database-url), the bulk part files and
the TLS material into DIR, a new or empty directory, while the server keeps serving. DIR/backup.json
lists every file with its size. Restore with 'rollcall restore'.

example:
  rollcall backup --data-dir ./data --out /backups/rollcall-2026-12-06`,
  restore: `rollcall restore --from DIR [--data-dir DIR]

Makes a new deployment from a backup: into a data dir with no store (or, with --database-url, an
empty database, through pg_restore). Checks every file's size and the databases' integrity first.

example:
  rollcall restore --from /backups/rollcall-2026-12-06 --data-dir ./data-restored`,
};

export const storeFlagsHelp = `Every command takes --data-dir DIR (or ROLLCALL_DATA_DIR; default ./data) and --database-url
postgres://... (or ROLLCALL_DATABASE_URL) to run on PostgreSQL instead of the embedded store, and
--database-read-url postgres://... (repeatable) for streaming replicas that searches and collects
read from, and --file-store local|database (or ROLLCALL_FILE_STORE) for where bulk files live.`;
