// The web console at /console/: the static files scripts/build-console.mjs bundles into
// dist/console/. The page itself is public; everything it shows comes from the admin API, which
// wants the admin token it signs in with.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';
import { packageRoot } from '../../util/package-root.js';

export const consoleRoutes: FastifyPluginAsync = async (scope) => {
  const root = join(packageRoot(), 'dist', 'console');
  scope.get('/console', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/'));
  if (!existsSync(join(root, 'index.html'))) {
    scope.get('/console/*', { schema: { hide: true } }, async (_request, reply) =>
      reply.code(503).send({ detail: 'The console is not built: run npm start (or node scripts/build-console.mjs)' }));
    return;
  }
  await scope.register(fastifyStatic, { root, prefix: '/console/', decorateReply: false, index: ['index.html'], cacheControl: true, maxAge: 0 });
};
