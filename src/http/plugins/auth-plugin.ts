// Authenticates every request of the scope it is registered in.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { authenticate, type AuthDeps, type Principal } from '../../domain/authenticate.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

const plugin: FastifyPluginAsync<AuthDeps> = async (scope, deps) => {
  if (!scope.hasRequestDecorator('principal')) scope.decorateRequest('principal', null);
  scope.addHook('onRequest', async (request) => {
    request.principal = await authenticate(deps, header(request.headers['apikey']), header(request.headers['authorization']));
  });
};

export const authPlugin = fp(plugin, { name: 'rollcall-auth', fastify: '5.x' });

/** The authenticated caller; only valid inside a scope that registered authPlugin. */
export function principalOf(request: { principal: Principal | null }): Principal {
  if (!request.principal) throw new Error('principal requested outside an authenticated scope');
  return request.principal;
}
