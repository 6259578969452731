// The `rollcall` command line. The only place that reads process.env (through loadConfig).
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { consoleOutput, intFlag, parse, UsageError, type Output } from './args.js';
// Each command's module is loaded when that command runs: a server start does not load the data
// generator (faker alone is ~0.2 s), and `rollcall help` loads almost nothing.
import { commandHelp, storeFlagsHelp } from './help-text.js';

const usage = `usage: rollcall <command> [options]

  serve    --data-dir DIR [--host 127.0.0.1] [--port 8443] [--demo] [--metrics-public]
  generate --people N [--seed S] [--snapshot K] --out DIR
  import   --data-dir DIR --dataset DATASET [--defer-index] [--skip-change-detection] FILE...
  index    --data-dir DIR          (builds the search index deferred by import --defer-index)
  worker   --data-dir DIR          (runs bulk data requests and webhook deliveries, no HTTP)
  webhooks list --data-dir DIR [--state pending|delivered|dead] [--limit N] [--json]
           retry --data-dir DIR DELIVERY_ID     (puts a dead delivery back in the queue)
  keys     create --data-dir DIR [--name NAME] [--search-credits N] [--collect-credits N]
                  [--rate-limit GROUP=PER_SECOND ...] [--json]
           list --data-dir DIR [--json]
           revoke --data-dir DIR KEY_ID
           webhook-secret --data-dir DIR KEY_ID   (prints the key's webhook signing secret)
  credits  add --data-dir DIR KEY_ID [--search N] [--collect N]
  admin    create-token --data-dir DIR [--name NAME]   (a token for /admin/v1, /metrics, the console)
           list-tokens --data-dir DIR | revoke-token --data-dir DIR TOKEN_ID
  backup   --data-dir DIR --out DIR    (a consistent copy while serving: store, bulk files, TLS)
  restore  --data-dir DIR --from DIR   (a new deployment from a backup)

Every --data-dir may come from ROLLCALL_DATA_DIR instead (default ./data). Every command also takes
--database-url postgres://... (or ROLLCALL_DATABASE_URL) to run on PostgreSQL instead of the
embedded store; the data dir then holds only TLS material and bulk files. With it, --database-read-url
postgres://... (repeatable; ROLLCALL_DATABASE_READ_URLS, comma-separated) names streaming replicas
that searches and collects read from, and --file-store database (ROLLCALL_FILE_STORE) keeps bulk
files in the database, so any node serves any file without a shared disk.

'rollcall help COMMAND' (or 'rollcall COMMAND --help') explains one command, with an example.`;

/** Splits out `--data-dir`, `--database-url`, `--database-read-url` and `--file-store` (any command) so each command parses only its own flags. */
function takeStoreFlags(args: string[]): { dataDir: string | undefined; databaseUrl: string | undefined; databaseReadUrls: string[] | undefined; fileStore: string | undefined; rest: string[] } {
  const rest: string[] = [];
  const found: Record<string, string | undefined> = {};
  const readUrls: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const flag = ['--data-dir', '--database-url', '--database-read-url', '--file-store'].find((f) => a === f || a.startsWith(`${f}=`));
    if (flag === undefined) {
      rest.push(a);
      continue;
    }
    const value = a === flag ? args[++i] : a.slice(flag.length + 1);
    if (flag === '--database-read-url') readUrls.push(value ?? '');
    else found[flag] = value;
  }
  return { dataDir: found['--data-dir'], databaseUrl: found['--database-url'], databaseReadUrls: readUrls.length > 0 ? readUrls : undefined, fileStore: found['--file-store'], rest };
}

async function dispatch(argv: string[], io: Output): Promise<number> {
  const [command, ...tail] = argv;
  // `rollcall COMMAND --help` / `-h`, and `rollcall help COMMAND`.
  const helpOf = command === 'help' ? tail[0] : tail.some((a) => a === '--help' || a === '-h') ? command : undefined;
  if (helpOf !== undefined) {
    const text = commandHelp[helpOf];
    if (text === undefined) throw new UsageError(`unknown command ${JSON.stringify(helpOf)}`);
    io.out(`${text}\n\n${storeFlagsHelp}`);
    return 0;
  }
  const { dataDir, databaseUrl, databaseReadUrls, fileStore, rest } = takeStoreFlags(tail);
  const config = (extra: Parameters<typeof loadConfig>[1] = {}): Config => loadConfig(process.env, { dataDir, databaseUrl, databaseReadUrls, fileStore, ...extra });
  switch (command) {
    case 'serve': {
      const { values } = parse(rest, { host: { type: 'string' }, port: { type: 'string' }, demo: { type: 'boolean' }, 'bench-ceiling': { type: 'boolean' }, 'metrics-public': { type: 'boolean' } });
      const port = values.port === undefined ? undefined : intFlag(values.port, '--port', 0, 0);
      return (await import('./serve-command.js')).serveCommand(config({ host: values.host, port, benchCeiling: values['bench-ceiling'] ?? false, metricsPublic: values['metrics-public'] ?? false }), values.demo ?? false, io);
    }
    case 'generate':
      return (await import('./generate-command.js')).generateCommand(rest, io);
    case 'import': {
      const { values, positionals } = parse(rest, { dataset: { type: 'string' }, 'defer-index': { type: 'boolean' }, 'skip-change-detection': { type: 'boolean' } }, true);
      return (await import('./import-command.js')).importCommand(config(), values.dataset, positionals, io, values['defer-index'] ?? false, !(values['skip-change-detection'] ?? false));
    }
    case 'index':
      parse(rest, {});
      return (await import('./import-command.js')).indexCommand(config(), io);
    case 'worker':
      parse(rest, {});
      return (await import('./worker-command.js')).workerCommand(config(), io);
    case 'webhooks':
      return (await import('./webhooks-command.js')).webhooksCommand(config(), rest[0], rest.slice(1), io);
    case 'keys':
      return (await import('./keys-command.js')).keysCommand(config(), rest[0], rest.slice(1), io);
    case 'credits':
      return (await import('./keys-command.js')).creditsCommand(config(), rest[0], rest.slice(1), io);
    case 'admin':
      return (await import('./admin-command.js')).adminCommand(config(), rest[0], rest.slice(1), io);
    case 'backup': {
      const { values } = parse(rest, { out: { type: 'string' } });
      return (await import('./backup-command.js')).backupCommand(config(), { out: values.out }, io);
    }
    case 'restore': {
      const { values } = parse(rest, { from: { type: 'string' } });
      return (await import('./backup-command.js')).restoreCommand(config(), { from: values.from }, io);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(usage);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

export async function runCli(argv: string[], io: Output = consoleOutput): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.err(`rollcall: ${error.message}`);
      if (error instanceof UsageError) io.err(`(run 'rollcall help' for usage)`);
      return 2;
    }
    throw error;
  }
}
