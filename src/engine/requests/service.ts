/**
 * Catalogue requests: ask for a catalogue item for a person, decide it stage by stage, cancel, delegate. Every check
 * is here (the console only parses input): requester scope (manager: transitive reports; self with `selfService`),
 * duration, justification, separation of duties, "a rule grants it already". Every step and refusal is audited.
 * Approval grants nothing directly: the next plan grants it (src/engine/requests/grants.ts).
 */
import type { CatalogItem } from '../../config/schema-catalog.js';
import { localDate } from '../../core/lifecycle.js';
import { names, resolveEnd, selfApproval, sodConflict, stageApprovers, stageOutcome, type Actor } from '../../core/requests/policy.js';
import { managerScope, reportsIndex, type Role } from '../../core/roles.js';
import type { AccessRequest } from '../../store/types.js';
import type { Engine } from '../engine.js';
import { touch } from '../holds.js';
import { explainStored } from '../person-view.js';
import { activeDelegations, ownRefs } from './delegation.js';
import { RequestError } from './errors.js';
import { mailRequest } from './mail.js';

/** `note` of an approved request: the HR facts revokeOnChange watches (JSON). */
export const approvalSnapshot = (p: { department?: string; position?: string } | undefined): string => JSON.stringify({ department: p?.department ?? null, position: p?.position ?? null });

/** A console principal acting on requests (with its OIDC groups, for owners and approvers `group:<name>`). */
export interface RequestPrincipal extends Actor { readonly role: Role }

export { RequestError } from './errors.js';
export { delegate, delegationsOf, endDelegation } from './delegation.js';

const actorOf = (p: RequestPrincipal): string => `web:${p.id}`;

/** The catalogue item, or a coded error. */
export function itemOf(engine: Engine, id: string): CatalogItem {
  const it = engine.config.catalog.items.find((i) => i.id === id);
  if (!it) throw new RequestError('REQUEST_UNKNOWN_ITEM', `no catalogue item ${id}`);
  return it;
}

/** Whether a principal may request for this person: admin always, manager for transitive reports, self with selfService. */
export async function mayRequestFor(engine: Engine, p: RequestPrincipal, personId: string, item?: CatalogItem): Promise<boolean> {
  if (p.role === 'admin') return true;
  if (item?.selfService === true && p.personId === personId) return true;
  if (p.role !== 'manager' || p.personId === undefined) return false;
  return managerScope(p.personId, reportsIndex(await engine.store.persons.all())).has(personId);
}

async function refused(engine: Engine, p: RequestPrincipal, event: string, facts: Record<string, unknown>, err: RequestError): Promise<never> {
  await engine.audit.record({ actor: actorOf(p), event: `${event}.refused`, ...(typeof facts['personId'] === 'string' ? { personId: facts['personId'] } : {}), payload: { ...facts, code: err.code, reason: err.message } });
  throw err;
}

/** Input of {@link createRequest}. */
export interface NewRequest { readonly itemId: string; readonly personId: string; readonly justification: string; readonly endDate?: string }

/** Ask for a catalogue item for a person. Returns the stored request (pending). Refusals are audited `request.created.refused`. */
export async function createRequest(engine: Engine, p: RequestPrincipal, req: NewRequest): Promise<AccessRequest> {
  const facts = { item: req.itemId.slice(0, 64), personId: req.personId.slice(0, 64) };
  const fail = (code: string, message: string): Promise<never> => refused(engine, p, 'request.created', facts, new RequestError(code, message));
  const item = engine.config.catalog.items.find((i) => i.id === req.itemId);
  if (!item) return fail('REQUEST_UNKNOWN_ITEM', `no catalogue item ${req.itemId}`);
  const person = await engine.store.persons.get(req.personId);
  if (!person) return fail('REQUEST_UNKNOWN_PERSON', `no person ${req.personId}`);
  if (!(await mayRequestFor(engine, p, req.personId, item))) return fail('REQUEST_SCOPE', `you may not request access for person ${req.personId}`);
  const justification = req.justification.trim().slice(0, 2000);
  if (item.approval.justification && justification === '') return fail('REQUEST_JUSTIFICATION', `${item.id} needs a justification`);
  const tz = engine.config.lifecycle.timezone;
  const now = engine.now().toISOString();
  const end = resolveEnd(item, req.endDate, localDate(now, tz));
  if ('code' in end) return fail(`REQUEST_${end.code.toUpperCase().replace(/-/g, '_')}`, end.message);
  const open = await engine.store.requests.list({ personId: req.personId, status: ['pending', 'approved'] });
  if (open.some((r) => r.item === item.id)) return fail('REQUEST_DUPLICATE', `person ${req.personId} already has an open request for ${item.id}`);
  const explained = await explainStored(engine, req.personId);
  const ruleGrants = (target: string, entitlement: string): boolean => explained.targets.some((t) => t.target === target
    && t.entitlements.some((g) => g.name.toLowerCase() === entitlement.toLowerCase() && (g.kind === undefined || g.kind === 'rule')));
  const holds = (target: string, entitlement: string): boolean => ruleGrants(target, entitlement) || explained.targets.some((t) => t.target === target
    && [...t.entitlements.filter((g) => g.held).map((g) => g.name), ...t.extraEntitlements].some((e) => e.toLowerCase() === entitlement.toLowerCase()));
  const sod = sodConflict(item, engine.config.catalog.items, holds, open.map((r) => r.item));
  if (sod) return fail('REQUEST_SOD', sod.message);
  if (ruleGrants(item.target, item.entitlement)) {
    return fail('REQUEST_ALREADY_GRANTED', `a rule already grants ${item.entitlement} in ${item.target} to person ${req.personId}: nothing to request`);
  }
  const created = await engine.store.transaction(async (tx) => {
    const id = await tx.requests.add({ item: item.id, personId: req.personId, requester: p.id, justification, ...(end.until !== undefined ? { endDate: end.until } : {}), status: 'pending', stage: 0, createdAt: now });
    await engine.audit.recordIn(tx, { actor: actorOf(p), event: 'request.created', personId: req.personId, target: item.target, payload: { request: id, item: item.id, entitlement: item.entitlement, endDate: end.until ?? null } });
    return (await tx.requests.get(id)) as AccessRequest;
  });
  await mailRequest(engine, created, 'pending', await approversNow(engine, created));
  return created;
}

/** Approver references of the request's current stage, plus the delegates standing in for them now. */
export async function approversNow(engine: Engine, r: AccessRequest): Promise<string[]> {
  const item = itemOf(engine, r.item);
  const person = await engine.store.persons.get(r.personId);
  const refs = stageApprovers(item, r.stage, person?.supervisorId);
  const own = await ownRefs(engine, r);
  const dels = (await activeDelegations(engine, engine.now().toISOString())).filter((d) => refs.includes(d.approver) && !own.has(d.approver));
  return [...new Set([...refs, ...dels.map((d) => d.delegate)])];
}

/** The approver references a principal decides for on a request's current stage (themselves, or by delegation). */
async function actingFor(engine: Engine, p: RequestPrincipal, r: AccessRequest): Promise<string[]> {
  const item = itemOf(engine, r.item);
  const person = await engine.store.persons.get(r.personId);
  const refs = stageApprovers(item, r.stage, person?.supervisorId);
  const dels = (await activeDelegations(engine, engine.now().toISOString())).filter((d) => names(d.delegate, p));
  // Delegation included, nobody approves their own request: a delegate never stands in for the requester's own reference.
  const own = dels.length > 0 ? await ownRefs(engine, r) : new Set<string>();
  return refs.filter((ref) => names(ref, p) || (!own.has(ref) && dels.some((d) => d.approver === ref)));
}

/** Whether an approver reference of any stage of the request names the principal (they may follow it after deciding). */
export async function isApproverOf(engine: Engine, p: RequestPrincipal, r: AccessRequest): Promise<boolean> {
  const item = engine.config.catalog.items.find((i) => i.id === r.item);
  if (!item) return false;
  const person = await engine.store.persons.get(r.personId);
  return item.approval.stages.some((_, i) => stageApprovers(item, i, person?.supervisorId).some((ref) => names(ref, p)));
}

/** Pending requests a principal may decide now (their own stage, or by an active delegation), oldest first. */
export async function inbox(engine: Engine, p: RequestPrincipal): Promise<AccessRequest[]> {
  const out: AccessRequest[] = [];
  for (const r of await engine.store.requests.list({ status: ['pending'] })) {
    if (selfApproval(p, r.requester, r.personId)) continue;
    const refs = await actingFor(engine, p, r);
    if (refs.length === 0) continue;
    const done = new Set((await engine.store.requests.decisions(r.id)).filter((d) => d.stage === r.stage).map((d) => d.approver));
    if (refs.some((ref) => !done.has(ref))) out.push(r);
  }
  return out;
}

/**
 * Approve or reject the current stage. Nobody decides their own request (requester or the person); `all` stages
 * need every approver; the last stage's approval approves (the next plan grants it).
 */
export async function decide(engine: Engine, p: RequestPrincipal, id: number, decision: 'approve' | 'reject', comment: string): Promise<AccessRequest> {
  const facts = { request: id, decision };
  const fail = (code: string, message: string, personId?: string): Promise<never> => refused(engine, p, 'request.decided', { ...facts, ...(personId ? { personId } : {}) }, new RequestError(code, message));
  const r = await engine.store.requests.get(id);
  if (!r) return fail('REQUEST_NOT_FOUND', `no request #${id}`);
  if (r.status !== 'pending') return fail('REQUEST_NOT_PENDING', `request #${id} is ${r.status}`, r.personId);
  if (selfApproval(p, r.requester, r.personId)) return fail('REQUEST_SELF_APPROVAL', `nobody decides their own request (#${id})`, r.personId);
  const refs = await actingFor(engine, p, r);
  if (refs.length === 0) return fail('REQUEST_NOT_APPROVER', `you are not an approver of request #${id} at this stage`, r.personId);
  const item = itemOf(engine, r.item);
  const stage = item.approval.stages[r.stage];
  const now = engine.now().toISOString();
  const text = comment.trim().slice(0, 2000);
  const updated = await engine.store.transaction(async (tx) => {
    const prior = (await tx.requests.decisions(id)).filter((d) => d.stage === r.stage);
    for (const ref of refs) if (!prior.some((d) => d.approver === ref)) await tx.requests.addDecision({ requestId: id, stage: r.stage, approver: ref, decision, comment: text, at: now });
    const all = (await tx.requests.decisions(id)).filter((d) => d.stage === r.stage);
    const person = await tx.persons.get(r.personId);
    const outcome = stageOutcome(stage?.mode ?? 'any', stageApprovers(item, r.stage, person?.supervisorId), all);
    const base = { actor: actorOf(p), personId: r.personId, target: item.target };
    const payload = { request: id, item: item.id, entitlement: item.entitlement, stage: r.stage, comment: text };
    if (outcome === 'rejected') {
      await tx.requests.update(id, { status: 'rejected', decidedAt: now });
      await engine.audit.recordIn(tx, { ...base, event: 'request.rejected', payload });
    } else if (outcome === 'approved' && r.stage + 1 < item.approval.stages.length) {
      await tx.requests.update(id, { stage: r.stage + 1 });
      await engine.audit.recordIn(tx, { ...base, event: 'request.stage-approved', payload });
    } else if (outcome === 'approved') {
      // What revokeOnChange compares against later: the person's department and position when it was approved.
      await tx.requests.update(id, { status: 'approved', decidedAt: now, note: approvalSnapshot(person) });
      await touch(tx, r.personId);
      await engine.audit.recordIn(tx, { ...base, event: 'request.approved', payload: { ...payload, endDate: r.endDate ?? null } });
    } else {
      await engine.audit.recordIn(tx, { ...base, event: 'request.stage-decided', payload });
    }
    return (await tx.requests.get(id)) as AccessRequest;
  });
  if (updated.status !== 'pending') await mailRequest(engine, updated, updated.status, [updated.requester]);
  else if (updated.stage !== r.stage) await mailRequest(engine, updated, 'pending', await approversNow(engine, updated));
  return updated;
}

/** Cancel a pending request (its requester or an admin). */
export async function cancelRequest(engine: Engine, p: RequestPrincipal, id: number): Promise<AccessRequest> {
  const r = await engine.store.requests.get(id);
  if (!r) return refused(engine, p, 'request.cancelled', { request: id }, new RequestError('REQUEST_NOT_FOUND', `no request #${id}`));
  if (r.requester !== p.id && p.role !== 'admin') return refused(engine, p, 'request.cancelled', { request: id, personId: r.personId }, new RequestError('REQUEST_SCOPE', `only the requester cancels request #${id}`));
  if (r.status !== 'pending') return refused(engine, p, 'request.cancelled', { request: id, personId: r.personId }, new RequestError('REQUEST_NOT_PENDING', `request #${id} is ${r.status}`));
  return engine.store.transaction(async (tx) => {
    await tx.requests.update(id, { status: 'cancelled', decidedAt: engine.now().toISOString() });
    await engine.audit.recordIn(tx, { actor: actorOf(p), event: 'request.cancelled', personId: r.personId, payload: { request: id, item: r.item } });
    return (await tx.requests.get(id)) as AccessRequest;
  });
}
