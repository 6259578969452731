// rollcall keys create|list|revoke and rollcall credits add.
import { parseRateLimitOverride, type Config, type RateLimit, type RateLimitGroup } from '../config/config.js';
import { addCredits, createKey, listKeys, revokeKey } from '../domain/keys.js';
import { openRuntime } from '../runtime.js';
import { webhookSecret } from '../webhooks/webhook-secrets.js';
import { intFlag, parse, UsageError, type Output } from './args.js';

export async function keysCommand(config: Config, sub: string | undefined, args: string[], io: Output): Promise<number> {
  const rt = await openRuntime(config);
  try {
    switch (sub) {
      case 'create': {
        const { values } = parse(args, {
          name: { type: 'string' },
          'search-credits': { type: 'string' },
          'collect-credits': { type: 'string' },
          'rate-limit': { type: 'string', multiple: true },
          json: { type: 'boolean' },
        });
        const rateLimits: Partial<Record<RateLimitGroup, RateLimit>> = {};
        for (const raw of values['rate-limit'] ?? []) {
          const [group, rate] = parseRateLimitOverride(raw);
          rateLimits[group] = rate;
        }
        const created = await createKey(rt, {
          name: values.name ?? null,
          searchCredits: intFlag(values['search-credits'], '--search-credits', 1000),
          collectCredits: intFlag(values['collect-credits'], '--collect-credits', 1000),
          rateLimits,
        });
        if (values.json) io.out(JSON.stringify(created));
        else io.out(`key_id:  ${created.key_id}\napi_key: ${created.api_key}\njwt:     ${created.jwt}\n(the api_key is shown only now; it is stored as a hash)`);
        return 0;
      }
      case 'list': {
        const { values } = parse(args, { json: { type: 'boolean' } });
        const keys = await listKeys(rt);
        if (values.json) io.out(JSON.stringify(keys));
        else for (const k of keys) io.out(`${k.id}\t${k.name ?? '-'}\tsearch=${k.balances.search}\tcollect=${k.balances.collect}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}`);
        return 0;
      }
      case 'revoke': {
        const { positionals } = parse(args, {}, true);
        if (positionals.length !== 1) throw new UsageError('usage: rollcall keys revoke KEY_ID');
        const done = await revokeKey(rt, positionals[0]!);
        io.out(done ? `revoked ${positionals[0]}` : `no active key ${positionals[0]}`);
        return done ? 0 : 1;
      }
      case 'webhook-secret': {
        const { positionals } = parse(args, {}, true);
        if (positionals.length !== 1) throw new UsageError('usage: rollcall keys webhook-secret KEY_ID');
        const key = await rt.store.keys.findById(positionals[0]!);
        if (!key) throw new UsageError(`no such key: ${positionals[0]}`);
        io.out(await webhookSecret(rt.store.secrets, key.id));
        return 0;
      }
      default:
        throw new UsageError('usage: rollcall keys create|list|revoke|webhook-secret ...');
    }
  } finally {
    await rt.store.close();
  }
}

export async function creditsCommand(config: Config, sub: string | undefined, args: string[], io: Output): Promise<number> {
  if (sub !== 'add') throw new UsageError('usage: rollcall credits add KEY_ID [--search N] [--collect N]');
  const { values, positionals } = parse(args, { search: { type: 'string' }, collect: { type: 'string' } }, true);
  if (positionals.length !== 1) throw new UsageError('usage: rollcall credits add KEY_ID [--search N] [--collect N]');
  const search = intFlag(values.search, '--search', 0, 0);
  const collect = intFlag(values.collect, '--collect', 0, 0);
  if (search === 0 && collect === 0) throw new UsageError('credits add needs --search N and/or --collect N');
  const rt = await openRuntime(config);
  try {
    const keyId = positionals[0]!;
    if (search > 0) io.out(`${keyId} search balance: ${await addCredits(rt, keyId, 'search', search)}`);
    if (collect > 0) io.out(`${keyId} collect balance: ${await addCredits(rt, keyId, 'collect', collect)}`);
    return 0;
  } catch (error) {
    if ((error as Error).message.startsWith('no such key')) throw new UsageError((error as Error).message);
    throw error;
  } finally {
    await rt.store.close();
  }
}
