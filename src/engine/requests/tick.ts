/**
 * The daemon's request tick: pending requests past their deadline are denied (audited `request.denied`, the
 * requester is told), approved grants past their end date become `expired` (audited; the next plan revokes them),
 * and a grant ending within 7 days mails its requester and the person's manager once.
 */
import { watchedChange } from '../../core/access-grants.js';
import { localDate } from '../../core/lifecycle.js';
import { durationMs } from '../duration.js';
import type { Engine } from '../engine.js';
import { touch } from '../holds.js';
import { watchOf } from './grants.js';
import { mailRequest } from './mail.js';

/** What one tick did (request ids). */
export interface RequestTickResult { readonly denied: number[]; readonly expired: number[]; readonly revoked: number[]; readonly reminded: number[] }

/** Run the request tick at `now` (the engine clock by default). */
export async function requestTick(engine: Engine, actor = 'cadre-daemon', now: Date = engine.now()): Promise<RequestTickResult> {
  const items = new Map(engine.config.catalog.items.map((i) => [i.id, i]));
  const out: RequestTickResult = { denied: [], expired: [], revoked: [], reminded: [] };
  if (items.size === 0) return out;
  const at = now.toISOString();
  const today = localDate(at, engine.config.lifecycle.timezone);
  const inWeek = localDate(new Date(now.getTime() + 7 * 86_400_000).toISOString(), engine.config.lifecycle.timezone);
  for (const r of await engine.store.requests.list({ status: ['pending', 'approved'] })) {
    const item = items.get(r.item);
    if (!item) continue;
    if (r.status === 'pending') {
      const limit = durationMs(item.approval.deadline) ?? 7 * 86_400_000;
      if (now.getTime() - Date.parse(r.createdAt) < limit) continue;
      await engine.store.transaction(async (tx) => {
        await tx.requests.update(r.id, { status: 'denied-deadline', decidedAt: at, note: `no decision within ${item.approval.deadline}` });
        await engine.audit.recordIn(tx, { actor, event: 'request.denied', personId: r.personId, target: item.target, payload: { request: r.id, item: item.id, reason: `no decision within ${item.approval.deadline}` } });
      });
      out.denied.push(r.id);
      await mailRequest(engine, { ...r, status: 'denied-deadline' }, 'denied-deadline', [r.requester]);
      continue;
    }
    const changed = item.revokeOnChange.length > 0 ? watchedChange(watchOf(r.note, item.revokeOnChange), await engine.store.persons.get(r.personId)) : undefined;
    if (changed !== undefined) {
      await engine.store.transaction(async (tx) => {
        await tx.requests.update(r.id, { status: 'revoked', endedAt: at, note: changed });
        await touch(tx, r.personId);
        await engine.audit.recordIn(tx, { actor, event: 'request.revoked', personId: r.personId, target: item.target, payload: { request: r.id, item: item.id, reason: changed } });
      });
      out.revoked.push(r.id);
      await mailRequest(engine, { ...r, status: 'revoked' }, 'revoked', [r.requester]);
      continue;
    }
    if (r.endDate === undefined) continue;
    if (r.endDate < today) {
      await engine.store.transaction(async (tx) => {
        await tx.requests.update(r.id, { status: 'expired', endedAt: at, note: `expired on ${r.endDate}` });
        await touch(tx, r.personId);
        await engine.audit.recordIn(tx, { actor, event: 'request.expired', personId: r.personId, target: item.target, payload: { request: r.id, item: item.id, endDate: r.endDate } });
      });
      out.expired.push(r.id);
      continue;
    }
    if (!r.reminded && r.endDate <= inWeek) {
      await engine.store.requests.update(r.id, { reminded: true });
      const person = await engine.store.persons.get(r.personId);
      await mailRequest(engine, r, 'expiring', [r.requester, ...(person?.supervisorId !== undefined ? [person.supervisorId] : [])]);
      out.reminded.push(r.id);
    }
  }
  return out;
}
