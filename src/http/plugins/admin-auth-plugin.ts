// Authenticates every request of its scope with an admin token (`Authorization: Bearer rcadm_...`).
// API keys and their JWTs never pass: an admin token is a different kind of secret, in its own table.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { apiError } from '../../errors/catalogue.js';
import { findAdminToken } from '../../operate/admin-tokens.js';
import type { AdminToken, Store } from '../../store/store.js';

declare module 'fastify' {
  interface FastifyRequest {
    admin: AdminToken | null;
  }
}

const plugin: FastifyPluginAsync<{ store: Store }> = async (scope, { store }) => {
  if (!scope.hasRequestDecorator('admin')) scope.decorateRequest('admin', null);
  scope.addHook('onRequest', async (request) => {
    const raw = request.headers.authorization;
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined || value === '') throw apiError('ADMIN_AUTH_MISSING', { 'www-authenticate': 'Bearer' });
    const m = /^Bearer\s+(\S+)\s*$/i.exec(value);
    const token = m ? await findAdminToken(store, m[1]!) : null;
    if (!token) throw apiError('ADMIN_AUTH_INVALID', { 'www-authenticate': 'Bearer error="invalid_token"' });
    request.admin = token;
  });
};

export const adminAuthPlugin = fp(plugin, { name: 'rollcall-admin-auth', fastify: '5.x' });
