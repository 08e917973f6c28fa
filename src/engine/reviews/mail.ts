/**
 * Review mails: "a review is due" to each reviewer when a campaign starts, and the rule owners' notice of removed rule
 * grants when it closes. Each in the recipient's language (Personio's `language_code`, else
 * `notifications.defaultLanguage`); they link to the console and never carry a decide-by-link token. Best effort:
 * a failed mail is logged, the audit has the campaign either way.
 */
import { localDate } from '../../core/lifecycle.js';
import type { Person } from '../../core/model.js';
import type { ReviewCampaign, ReviewItem } from '../../core/reviews/model.js';
import { mailLanguage, type MailLanguage, type MailModel } from '../../notify/index.js';
import type { Engine } from '../engine.js';
import { mailAdmins } from '../notify-admins.js';

const consoleUrl = (engine: Engine, path: string): string => `${engine.config.web.publicUrl.replace(/\/$/, '')}${path}`;

/**
 * The person behind a reviewer reference: `person:<id>`, or `user:<id>` of a console user linked to a person.
 * `group:<name>` names nobody Cadre can mail (OIDC group members are not listed): they see it in the console.
 */
async function reviewerPerson(engine: Engine, ref: string): Promise<Person | undefined> {
  const [kind, id = ''] = [ref.slice(0, ref.indexOf(':')), ref.slice(ref.indexOf(':') + 1)];
  if (kind === 'person') return engine.store.persons.get(id);
  if (kind !== 'user') return undefined;
  const user = await engine.store.users.get(id) ?? await engine.store.users.byUsername(id);
  return user?.personId !== undefined ? engine.store.persons.get(user.personId) : undefined;
}

async function send(engine: Engine, to: string, lang: MailLanguage, mail: MailModel): Promise<boolean> {
  const r = await engine.notifier.sendMail({ to: [to], lang, mail });
  if (!r.ok) engine.log.warn({ code: r.code, kind: mail.kind }, 'review mail not sent');
  return r.ok;
}

/** Mail every reviewer with an address that the campaign waits for their decisions. Returns how many were sent. */
export async function mailReviewersDue(engine: Engine, c: ReviewCampaign, items: readonly ReviewItem[]): Promise<number> {
  if (!engine.notifier.configured) return 0;
  const counts = new Map<string, number>();
  for (const it of items) counts.set(it.reviewer, (counts.get(it.reviewer) ?? 0) + 1);
  const deadline = localDate(c.deadline, engine.config.lifecycle.timezone);
  const byAddress = new Map<string, { lang: MailLanguage; items: number }>();
  for (const [ref, n] of counts) {
    const p = await reviewerPerson(engine, ref);
    const to = p?.email?.trim();
    if (!to) continue;
    const k = to.toLowerCase();
    const prev = byAddress.get(k);
    byAddress.set(k, { lang: prev?.lang ?? mailLanguage(p?.language, engine.config.notifications.defaultLanguage), items: (prev?.items ?? 0) + n });
  }
  let sent = 0;
  for (const [to, { lang, items: n }] of byAddress) {
    try {
      const mail: MailModel = { kind: 'review-due', campaign: c.name, deadline, items: n, defaultDecision: c.defaultDecision, link: consoleUrl(engine, '/reviews') };
      if (await send(engine, to, lang, mail)) sent++;
    } catch (err) {
      engine.log.warn({ err: (err as Error).message }, 'review mail failed');
    }
  }
  return sent;
}

/** Mail each rule owner address the rule grants a closed review removed (in the language of the person with that address). */
export async function mailRuleOwners(engine: Engine, c: ReviewCampaign, byOwner: ReadonlyMap<string, readonly string[]>): Promise<void> {
  for (const [to, lines] of byOwner) {
    try {
      const r = await mailAdmins(engine, [to], { kind: 'review-flagged', campaign: c.name, items: lines, link: consoleUrl(engine, '/reviews/exceptions') });
      if (!r.ok) engine.log.warn({ code: r.code }, 'review owner notification not sent');
    } catch (err) {
      engine.log.warn({ err: (err as Error).message }, 'review owner notification failed');
    }
  }
}
