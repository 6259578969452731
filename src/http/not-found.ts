// Unknown paths answer 404 {"detail":"Not Found"}; a known path with the wrong method answers
// 405 with an Allow header, as FastAPI does. A second router, fed by the onRoute hook, knows
// which methods each path has.
import FindMyWay from 'find-my-way';
import type { FastifyInstance } from 'fastify';
import { apiError } from '../errors/catalogue.js';

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export function installNotFound(app: FastifyInstance): void {
  const router = FindMyWay({ ignoreTrailingSlash: false });
  app.addHook('onRoute', (route) => {
    const list = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of list) {
      if ((methods as readonly string[]).includes(m)) router.on(m as (typeof methods)[number], route.url, () => undefined);
    }
  });
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = methods.filter((m) => router.find(m, path) !== null);
    if (allowed.length > 0) {
      const e = apiError('METHOD_NOT_ALLOWED', { allow: allowed.join(', ') });
      return reply.code(e.status).headers(e.headers).send(e.body);
    }
    const e = apiError('NOT_FOUND');
    return reply.code(e.status).send(e.body);
  });
}
