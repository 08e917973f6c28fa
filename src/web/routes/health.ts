/** `/healthz` (the process answers), `/readyz` (the store answers), `/metrics` (Prometheus, the scheduler's metrics). */
import type { FastifyInstance } from 'fastify';
import type { CadreMetrics } from '../../engine/metrics.js';
import type { WebContext } from '../context.js';

/** Register the health routes. */
export function registerHealth(app: FastifyInstance, ctx: WebContext, metrics: CadreMetrics): void {
  app.get('/healthz', async (_req, reply) => reply.header('cache-control', 'no-store').send({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      await ctx.engine.store.meta.get('readyz');
      return reply.send({ ok: true, store: ctx.engine.store.dialect });
    } catch {
      // No error text: it could name hosts; the log has it.
      ctx.engine.log.warn('readyz: store unreachable');
      return reply.code(503).send({ ok: false, store: 'unreachable' });
    }
  });
  app.get('/metrics', async (_req, reply) => reply.header('cache-control', 'no-store').type(metrics.registry.contentType).send(await metrics.registry.metrics()));
}
