/**
 * `GET /plan`: the pending plan computed from the stored state (the last HR snapshot and the stored account state;
 * nothing is written), cached briefly so that paging and filtering do not recompute it on every click.
 */
import type { FastifyInstance } from 'fastify';
import { ACTIONS } from '../../core/model.js';
import type { Plan } from '../../core/model.js';
import { displayName } from '../../core/person-search.js';
import { preparePlan } from '../../engine/planning.js';
import type { WebContext } from '../context.js';
import { planView, type PlanFilter } from '../views/plan.js';

const CACHE_MS = 30_000;
const PAGE_SIZE = 50;

const opt = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 200) : undefined);

/** Register the plan page. */
export function registerPlan(app: FastifyInstance, ctx: WebContext): void {
  const { engine } = ctx;
  let cached: { at: number; plan: Promise<Plan> } | undefined;
  const plan = (): Promise<Plan> => {
    const now = ctx.now().getTime();
    if (!cached || now - cached.at >= CACHE_MS) {
      const p = preparePlan(engine, { source: { kind: 'store' }, storedAccounts: true }).then((x) => x.plan);
      cached = { at: now, plan: p };
      // A failure is not cached: the next view tries again.
      p.catch(() => { if (cached?.plan === p) cached = undefined; });
    }
    return cached.plan;
  };

  app.get<{ Querystring: Record<string, unknown> }>('/plan', async (req, reply) => {
    const q = req.query;
    const targets = Object.keys(engine.config.targets);
    const target = opt(q.target);
    const action = opt(q.action);
    const person = opt(q.person);
    const filter: PlanFilter = {
      page: Math.max(1, Math.floor(Number(opt(q.page) ?? '1')) || 1),
      ...(target !== undefined && targets.includes(target) ? { target } : {}),
      ...(action !== undefined && (ACTIONS as readonly string[]).includes(action) ? { action } : {}),
      ...(person !== undefined ? { person } : {}),
    };
    let computed: Plan | undefined;
    let error: string | undefined;
    try {
      computed = await plan();
    } catch (err) {
      engine.log.warn({ err: (err as Error).message }, 'console: plan failed');
      error = (err as { code?: string }).code ?? (err as Error).message;
    }
    const snap = await ctx.persons.get();
    const names = new Map<string, string>();
    for (const o of computed?.operations ?? []) {
      const p = snap.byId.get(o.personId);
      if (p && !names.has(o.personId)) names.set(o.personId, displayName(p));
    }
    return ctx.page(req, reply, {
      title: req.t('nav.plan'), current: '/plan',
      body: planView({ filter, targets, actions: ACTIONS, pageSize: PAGE_SIZE, names, ...(computed ? { plan: computed } : {}), ...(error !== undefined ? { error } : {}) }, req.t),
    });
  });
}
