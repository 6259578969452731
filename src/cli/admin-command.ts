// rollcall admin create-token|list-tokens|revoke-token: the tokens of the admin API, /metrics and
// the console. A token is printed once; only its hash is stored.
import type { Config } from '../config/config.js';
import { createAdminToken } from '../operate/admin-tokens.js';
import { openRuntime } from '../runtime.js';
import { isoNow } from '../util/clock.js';
import { parse, UsageError, type Output } from './args.js';

export async function adminCommand(config: Config, sub: string | undefined, args: string[], io: Output): Promise<number> {
  if (sub !== 'create-token' && sub !== 'list-tokens' && sub !== 'revoke-token') throw new UsageError('usage: rollcall admin create-token|list-tokens|revoke-token ...');
  const { values, positionals } = parse(args, { name: { type: 'string' }, json: { type: 'boolean' } }, true);
  const rt = await openRuntime(config);
  try {
    switch (sub) {
      case 'create-token': {
        const created = await createAdminToken(rt, values.name ?? null);
        if (values.json) io.out(JSON.stringify(created));
        else io.out(`token_id:    ${created.id}\nadmin_token: ${created.token}\n(shown only now; it is stored as a hash)`);
        return 0;
      }
      case 'list-tokens': {
        const tokens = await rt.store.adminTokens.list();
        if (values.json) io.out(JSON.stringify(tokens));
        else for (const t of tokens) io.out(`${t.id}\t${t.name ?? '-'}\t${t.createdAt}\t${t.revokedAt ? `revoked ${t.revokedAt}` : 'active'}`);
        return 0;
      }
      case 'revoke-token': {
        if (positionals.length !== 1) throw new UsageError('usage: rollcall admin revoke-token TOKEN_ID');
        const done = await rt.store.adminTokens.revoke(positionals[0]!, isoNow(rt.clock));
        io.out(done ? `revoked ${positionals[0]}` : `no active admin token ${positionals[0]}`);
        return done ? 0 : 1;
      }
    }
  } finally {
    await rt.store.close();
  }
}
