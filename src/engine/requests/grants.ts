/**
 * Request grants for the planner: the entitlements approved catalogue requests give (see core/access-grants.ts).
 * Approved requests are active grants (until their end date); requests that ended in the last 30 days (expired,
 * revoked) are passed as ended grants, so the revoke in the plan names the request.
 */
import type { AccessGrant } from '../../core/access-grants.js';
import { localDate } from '../../core/lifecycle.js';
import type { AccessRequest } from '../../store/types.js';
import type { Engine } from '../engine.js';

const RECENT_MS = 30 * 86_400_000;

/** An approver reference as people read it: "Olga Owner (olga)" for a console user, "Bea Boss (3)" for a person. */
async function approverName(engine: Engine, ref: string): Promise<string> {
  const p = await engine.store.persons.get(ref);
  if (p) return `${p.preferredName ?? p.firstName} ${p.lastName} (${ref})`;
  const user = await engine.store.users.get(ref) ?? await engine.store.users.byUsername(ref);
  return user ? `${user.displayName} (${user.username})` : ref;
}

/** "request #42, approved by Olga Owner (olga) on 2026-12-02, expires 2026-12-31". */
async function detailOf(engine: Engine, r: AccessRequest): Promise<string> {
  const tz = engine.config.lifecycle.timezone;
  const refs = [...new Set((await engine.store.requests.decisions(r.id)).filter((d) => d.decision === 'approve').map((d) => d.approver))];
  const by = await Promise.all(refs.map((ref) => approverName(engine, ref)));
  const on = r.decidedAt !== undefined ? ` on ${localDate(r.decidedAt, tz)}` : '';
  return `request #${r.id}, approved by ${by.join(', ') || 'unknown'}${on}, ${r.endDate !== undefined ? `expires ${r.endDate}` : 'no end date'}`;
}

/** The approval snapshot (`note`) of the fields an item revokes on; nothing when the snapshot is unreadable. */
export function watchOf(note: string | undefined, fields: readonly ('department' | 'position')[]): Pick<AccessGrant, 'watch'> {
  let snap: Record<string, unknown>;
  try { snap = JSON.parse(note ?? '') as Record<string, unknown>; } catch { return {}; }
  const watch: Partial<Record<'department' | 'position', string | null>> = {};
  for (const f of fields) watch[f] = typeof snap[f] === 'string' ? snap[f] : null;
  return { watch };
}

/** Approved (and recently ended) request grants, all persons or one. */
export async function requestGrants(engine: Engine, personId?: string): Promise<AccessGrant[]> {
  const items = new Map(engine.config.catalog.items.map((i) => [i.id, i]));
  if (items.size === 0) return [];
  const now = engine.now().getTime();
  const list = await engine.store.requests.list({ ...(personId !== undefined ? { personId } : {}), status: ['approved', 'expired', 'revoked'] });
  const out: AccessGrant[] = [];
  for (const r of list) {
    const item = items.get(r.item);
    if (!item) continue;
    if (r.status !== 'approved' && (r.endedAt === undefined || now - Date.parse(r.endedAt) > RECENT_MS)) continue;
    const until = r.status === 'revoked' ? r.endedAt : r.endDate;
    out.push({
      personId: r.personId, target: item.target, entitlement: item.entitlement, source: 'request', ref: `#${r.id}`,
      detail: await detailOf(engine, r), ...(until !== undefined ? { until } : {}),
      ...(r.status === 'revoked' ? { ended: `revoked: ${r.note ?? 'revoked'}` } : r.status === 'expired' ? { ended: `expired on ${r.endDate ?? ''}` } : {}),
      ...(r.status === 'approved' && item.revokeOnChange.length > 0 ? watchOf(r.note, item.revokeOnChange) : {}),
    });
  }
  return out;
}
