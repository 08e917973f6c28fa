/**
 * Access reviews seen from the engine: start a campaign from a template (items from the account state and the
 * rules' reasons), record decisions (the reviewer is checked here, not in the console), and close it. A removal
 * never writes to a target: a removed rule grant or unmanaged membership is an access exception the planner reads
 * from the closed campaign (src/engine/access-exceptions.ts: kept removed although the rule grants it, shown by
 * `explain`, until an admin lifts it); a removed request grant revokes the request. Either way the next plan revokes
 * it as an ordinary, thresholded `revoke` with the review as its reason. Everything is audited (`review.*`).
 */
import { randomBytes } from 'node:crypto';
import { Cron } from 'croner';
import { ruleOwnerOf, type ReviewTemplate } from '../../config/schema-reviews.js';
import { localDate } from '../../core/lifecycle.js';
import { buildItems, finalDecision, grantKey, mayDecide, type Decider } from '../../core/reviews/items.js';
import type { ReviewCampaign, ReviewDecision, ReviewItem } from '../../core/reviews/model.js';
import type { Engine } from '../engine.js';
import { durationMs } from '../duration.js';
import { CadreError, EXIT } from '../errors.js';
import { touch } from '../holds.js';
import { loadReportInput, reportTargets } from '../reports/input.js';
import { requestGrants } from '../requests/grants.js';
import { mailReviewersDue, mailRuleOwners } from './mail.js';

export type { ReviewCampaign, ReviewDecision, ReviewItem } from '../../core/reviews/model.js';

/** `decidedBy` of an item that took the campaign default at close. */
export const DEFAULT_DECIDER = 'review-default';

/** The template's name in a language (`en` when it has one name). */
export function templateName(t: Pick<ReviewTemplate, 'name'>, lang = 'en'): string {
  return typeof t.name === 'string' ? t.name : lang === 'de' ? t.name.de : t.name.en;
}

function templateOf(engine: Engine, id: string): ReviewTemplate {
  const t = engine.config.reviews.templates.find((x) => x.id === id);
  if (!t) throw new CadreError('REVIEW_TEMPLATE_UNKNOWN', `no review template ${id} in reviews.templates`, EXIT.usage);
  return t;
}

/** Last `op.done` grant instant per (target, person, entitlement), from the audit. */
async function lastGrants(engine: Engine, personIds: ReadonlySet<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const personId of personIds) {
    for (const row of await engine.store.audit.query({ personId, event: 'op.done' }, { limit: 500 })) {
      try {
        const p = JSON.parse(row.payload) as { action?: unknown; entitlement?: unknown };
        if (p.action !== 'grant' || typeof p.entitlement !== 'string' || row.target === undefined) continue;
        const k = grantKey(row.target, personId, p.entitlement);
        if (!out.has(k)) out.set(k, row.at); // newest first
      } catch {
        // a corrupt payload names no grant
      }
    }
  }
  return out;
}

/**
 * Start a campaign from a template: the items are every in-scope entitlement held by a person's account (the live
 * listing of each open target, so memberships Cadre does not manage are found too). Audited as `review.started`.
 */
export async function startCampaign(engine: Engine, req: { readonly template: string; readonly actor: string }): Promise<{ campaign: ReviewCampaign; items: ReviewItem[] }> {
  const t = templateOf(engine, req.template);
  const input = await loadReportInput(engine);
  const [reservations, accessGrants, lastGranted] = await Promise.all([
    engine.store.reservations.all(),
    requestGrants(engine),
    lastGrants(engine, new Set(input.accounts.map((a) => a.personId).filter((x): x is string => x !== undefined))),
  ]);
  const built = buildItems({ ...input, targets: reportTargets(engine), reservations, lastGranted, accessGrants }, t);
  const now = engine.now();
  const campaign: ReviewCampaign = {
    id: `${t.id}-${localDate(now.toISOString(), engine.config.lifecycle.timezone)}-${randomBytes(3).toString('hex')}`,
    template: t.id, name: templateName(t), startedBy: req.actor, startedAt: now.toISOString(),
    deadline: new Date(now.getTime() + (durationMs(t.deadline) ?? 14 * 86_400_000)).toISOString(), status: 'open', defaultDecision: t.default,
  };
  const items = built.map((it, i) => ({ ...it, seq: i + 1 }));
  await engine.store.transaction(async (tx) => {
    await tx.reviews.addCampaign(campaign, items);
    await engine.audit.recordIn(tx, { actor: req.actor, event: 'review.started', payload: { campaign: campaign.id, template: t.id, name: campaign.name, deadline: campaign.deadline, items: items.length } });
  });
  await mailReviewersDue(engine, campaign, items.map((x) => ({ ...x, campaignId: campaign.id })));
  return { campaign, items: items.map((x) => ({ ...x, campaignId: campaign.id })) };
}

/** Campaigns, newest first. */
export const listCampaigns = (engine: Engine): Promise<ReviewCampaign[]> => engine.store.reviews.campaigns();

async function campaignOf(engine: Engine, id: string): Promise<ReviewCampaign> {
  const c = await engine.store.reviews.campaign(id);
  if (!c) throw new CadreError('REVIEW_NOT_FOUND', `no review campaign ${id}: see \`cadre review list\``, EXIT.usage);
  return c;
}

/** The items a principal reviews in open campaigns (theirs as manager, and as the fallback user). */
export async function itemsToReview(engine: Engine, p: Decider): Promise<ReviewItem[]> {
  const refs = [`user:${p.id}`, ...(p.personId !== undefined ? [`person:${p.personId}`] : []), ...(p.groups ?? []).map((g) => `group:${g}`)];
  return (await engine.store.reviews.itemsFor(refs)).filter((it) => mayDecide(it, p).ok);
}

/** A decision: one item, keep or remove, with a comment. */
export interface DecideRequest {
  readonly campaignId: string;
  readonly seq: number;
  readonly decision: ReviewDecision;
  readonly comment: string;
  readonly principal: Decider;
  /** Audit actor (`web:alice`). */
  readonly actor: string;
}

/**
 * Record a decision. Refused (`REVIEW_FORBIDDEN`, audited as `review.refused`) unless the principal is the item's
 * reviewer or an admin, and never for one's own access; `REVIEW_CLOSED` once the campaign closed. Audited as
 * `review.decided`. A removal takes effect when the campaign closes.
 */
export async function decideItem(engine: Engine, req: DecideRequest): Promise<ReviewItem> {
  const c = await campaignOf(engine, req.campaignId);
  const item = await engine.store.reviews.item(req.campaignId, req.seq);
  if (!item) throw new CadreError('REVIEW_NOT_FOUND', `no item ${req.seq} in review ${req.campaignId}`, EXIT.usage);
  const may = mayDecide(item, req.principal);
  if (!may.ok) {
    await engine.audit.record({ actor: req.actor, event: 'review.refused', personId: item.personId, target: item.target, payload: { campaign: c.id, item: item.seq, entitlement: item.entitlement, why: may.why } });
    throw new CadreError('REVIEW_FORBIDDEN', `you may not decide this item: ${may.why}`, EXIT.usage);
  }
  if (c.status !== 'open') throw new CadreError('REVIEW_CLOSED', `review ${c.id} is closed`, EXIT.usage);
  const comment = req.comment.trim().slice(0, 1000);
  if (req.decision === 'remove' && comment === '') throw new CadreError('REVIEW_COMMENT_REQUIRED', 'a removal needs a comment (why)', EXIT.usage);
  const decidedAt = engine.now().toISOString();
  await engine.store.transaction(async (tx) => {
    await tx.reviews.decide(c.id, item.seq, { decision: req.decision, comment, decidedBy: req.actor, decidedAt });
    await engine.audit.recordIn(tx, {
      actor: req.actor, event: 'review.decided', personId: item.personId, target: item.target,
      payload: { campaign: c.id, item: item.seq, entitlement: item.entitlement, reason: item.reasonKind, decision: req.decision, comment, before: item.decision ?? null },
    });
  });
  return { ...item, decision: req.decision, comment, decidedBy: req.actor, decidedAt };
}

/** What closing did: the removals that became exceptions (overrides) for the next plan, and the rule grants flagged. */
export interface CloseResult {
  readonly campaign: ReviewCampaign;
  readonly removed: readonly ReviewItem[];
  readonly defaulted: number;
  /** Removed rule grants: reported to the rule's owner (`reviews.ruleOwners`) or the admins. */
  readonly flagged: readonly { readonly item: ReviewItem; readonly rule: string; readonly owner: string }[];
}

/** The override reason of a removal: what `plan` and `explain` show. */
export function removalReason(c: ReviewCampaign, it: ReviewItem, byDefault: boolean, tz: string): string {
  const who = byDefault ? `the campaign default` : (it.decidedBy ?? '?');
  const when = localDate(byDefault ? (c.closedAt ?? c.deadline) : (it.decidedAt ?? c.deadline), tz);
  const why = byDefault ? '' : `: ${it.comment ?? ''}`;
  return `removed in review "${c.name}" (${c.id} #${it.seq}) by ${who} on ${when}${why}`;
}

/**
 * Close a campaign (an admin, or the daemon at the deadline): undecided items get the default; every removal goes
 * into the next plan as a `revoke` (through the thresholds): a rule grant as an access exception, kept removed
 * although the rule grants it; an unmanaged membership as an entitlement override `false`. Audited: `review.exception` per
 * removal, `review.closed` once.
 */
export async function closeCampaign(engine: Engine, req: { readonly campaignId: string; readonly actor: string }): Promise<CloseResult> {
  const c = await campaignOf(engine, req.campaignId);
  if (c.status !== 'open') throw new CadreError('REVIEW_CLOSED', `review ${c.id} is closed already`, EXIT.usage);
  const items = await engine.store.reviews.items(c.id);
  const closedAt = engine.now().toISOString();
  const closed: ReviewCampaign = { ...c, status: 'closed', closedAt, closedBy: req.actor };
  const tz = engine.config.lifecycle.timezone;
  const removed: ReviewItem[] = [];
  const flagged: { item: ReviewItem; rule: string; owner: string }[] = [];
  let defaulted = 0;
  await engine.store.transaction(async (tx) => {
    for (const it of items) {
      const f = finalDecision(it, c.defaultDecision);
      if (f.byDefault) {
        defaulted += 1;
        await tx.reviews.decide(c.id, it.seq, { decision: f.decision, comment: 'campaign default (no decision by the deadline)', decidedBy: DEFAULT_DECIDER, decidedAt: closedAt });
      }
      if (f.decision !== 'remove') continue;
      const reason = removalReason(closed, it, f.byDefault, tz);
      // A rule grant or an unmanaged membership becomes an access exception (read from the closed campaign by the
      // planner: the rule would grant it again otherwise; the AD connector removes an unmanaged membership only for
      // such a revoke). A request grant: the request is revoked (the next plan revokes the grant naming it).
      const requestId = it.reasonKind === 'request' ? Number(it.reasonSource.replace(/^#/, '')) : NaN;
      if (Number.isInteger(requestId)) {
        await tx.requests.update(requestId, { status: 'revoked', endedAt: closedAt, note: reason });
        await engine.audit.recordIn(tx, { actor: req.actor, event: 'request.revoked', personId: it.personId, target: it.target, payload: { request: requestId, reason } });
      }
      await touch(tx, it.personId);
      removed.push(it);
      const owner = it.reasonKind === 'rule' ? (ruleOwnerOf(engine.config.reviews, it.reasonSource)?.label ?? 'admins') : '';
      if (it.reasonKind === 'rule') flagged.push({ item: it, rule: it.reasonSource, owner });
      await engine.audit.recordIn(tx, {
        actor: req.actor, event: 'review.exception', personId: it.personId, target: it.target,
        payload: { campaign: c.id, item: it.seq, entitlement: it.entitlement, reason: it.reasonKind, rule: it.reasonSource || null, ruleOwner: owner || null, byDefault: f.byDefault, detail: reason },
      });
    }
    await tx.reviews.close(c.id, req.actor, closedAt);
    await engine.audit.recordIn(tx, { actor: req.actor, event: 'review.closed', payload: { campaign: c.id, items: items.length, removed: removed.length, defaulted, flagged: flagged.length } });
  });
  await notifyOwners(engine, closed, flagged);
  return { campaign: closed, removed, defaulted, flagged };
}

/** Mail each rule owner with a mail address about the rule grants a review removed (best effort: the audit has it). */
async function notifyOwners(engine: Engine, c: ReviewCampaign, flagged: readonly { item: ReviewItem; rule: string; owner: string }[]): Promise<void> {
  const byOwner = new Map<string, string[]>();
  for (const f of flagged) {
    const mail = ruleOwnerOf(engine.config.reviews, f.rule)?.mail;
    if (mail === undefined) continue;
    const l = byOwner.get(mail) ?? [];
    l.push(`${f.item.personName} (${f.item.personId}): ${f.item.entitlement} in ${f.item.target}, granted by rule ${f.rule}`);
    byOwner.set(mail, l);
  }
  await mailRuleOwners(engine, c, byOwner);
}

/** The campaign's report: every item with its decision, who decided, when and why. */
export async function campaignReport(engine: Engine, id: string): Promise<{ campaign: ReviewCampaign; items: ReviewItem[] }> {
  const campaign = await campaignOf(engine, id);
  return { campaign, items: await engine.store.reviews.items(id) };
}

/**
 * The daemon tick's part: close open campaigns whose deadline passed, and start scheduled templates whose cron
 * fell due since `since` (at most one start per template per tick). Returns what it did.
 */
export async function reviewTick(engine: Engine, since: Date, actor = 'cadre-daemon'): Promise<{ closed: string[]; started: string[] }> {
  const now = engine.now();
  const closed: string[] = [];
  const started: string[] = [];
  for (const c of await engine.store.reviews.campaigns()) {
    if (c.status === 'open' && Date.parse(c.deadline) <= now.getTime()) {
      await closeCampaign(engine, { campaignId: c.id, actor });
      closed.push(c.id);
    }
  }
  for (const t of engine.config.reviews.templates) {
    if (t.schedule === undefined) continue;
    const next = new Cron(t.schedule, { timezone: engine.config.lifecycle.timezone, paused: true }).nextRun(since);
    if (next !== null && next.getTime() <= now.getTime()) started.push((await startCampaign(engine, { template: t.id, actor })).campaign.id);
  }
  return { closed, started };
}

/** Bulk keep: every undecided item of one open campaign the principal reviews is kept (each audited as a decision). */
export async function keepAll(engine: Engine, req: { readonly campaignId: string; readonly principal: Decider; readonly actor: string; readonly comment?: string }): Promise<number> {
  const mine = (await itemsToReview(engine, req.principal)).filter((it) => it.campaignId === req.campaignId && it.decision === undefined);
  for (const it of mine) await decideItem(engine, { campaignId: it.campaignId, seq: it.seq, decision: 'keep', comment: req.comment ?? '', principal: req.principal, actor: req.actor });
  return mine.length;
}
