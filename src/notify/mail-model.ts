/**
 * Typed models of the lifecycle mails, one per event. The notify handler fills them; mail-render.ts turns a model
 * and a language into subject, text and HTML. Only {@link PasswordMail} carries a password (by type).
 */
import type { MailLanguage, PasswordDelivery } from '../config/schema-notifications.js';

export type { MailLanguage, PasswordDelivery } from '../config/schema-notifications.js';

/** An account of the person in one target. */
export interface MailAccount {
  readonly target: string;
  /** Sign-in name (sAMAccountName, UPN, userName…); empty when the target has none. */
  readonly login: string;
}

/** Who the mail is about. */
export interface MailPerson {
  readonly id: string;
  readonly name: string;
  readonly department?: string;
  readonly position?: string;
}

/**
 * Joiner → manager: the accounts, the start date and how the first password is delivered. `passwordDelivery` is
 * `none` when no target manages passwords. The password itself is never part of this mail.
 */
export interface JoinerMail {
  readonly kind: 'joiner';
  readonly person: MailPerson;
  readonly startDate?: string;
  readonly accounts: readonly MailAccount[];
  readonly passwordDelivery: PasswordDelivery | 'none';
  /** Former accounts enabled again for a new employment period. */
  readonly rehire?: boolean;
}

/** The separate password mail (`passwordDelivery: mail-separate`), sent on or after the start date only. */
export interface PasswordMail {
  readonly kind: 'password';
  readonly person: MailPerson;
  readonly startDate?: string;
  readonly account: MailAccount;
  /** Empty: an interrupted run lost it (the mail then asks for a helpdesk reset). */
  readonly password: string;
}

/** Leaver → manager and IT: what was disabled, and when deletion follows. */
export interface LeaverMail {
  readonly kind: 'leaver';
  readonly person: MailPerson;
  readonly endDate?: string;
  readonly disabled: readonly MailAccount[];
  /** First day the accounts may be deleted (latest end date + `lifecycle.retentionDays`). */
  readonly deleteOn?: string;
  /** The offboarding steps of the plan (`lifecycle.offboarding` step `notify`). */
  readonly steps?: readonly string[];
  /** The home folder handed over to the recipient (offboarding step `homeFolder`). */
  readonly homeFolder?: string;
}

/** Mover → manager (optional): what changed. */
export interface MoverMail {
  readonly kind: 'mover';
  readonly person: MailPerson;
  /** One line per change, e.g. `ad: moved to OU=Sales`, `entra: grant group:Sales`. */
  readonly changes: readonly string[];
}

/** One failed operation. */
export interface MailFailure {
  readonly action: string;
  readonly target: string;
  readonly personId: string;
  readonly code: string;
  readonly message: string;
}

/** Run failures → admins. */
export interface FailureMail {
  readonly kind: 'failure';
  readonly total: number;
  /** The first ones (at most 50). */
  readonly failures: readonly MailFailure[];
}

/** Threshold block → admins. */
export interface BlockedMail {
  readonly kind: 'blocked';
  /** `disable on erp: 3 of 6 (limit 2)` per breach. */
  readonly breaches: readonly string[];
  /** Scopes for `cadre sync --approve …`. */
  readonly scopes: string;
  /** Set on the daily reminder of a block that is still open. */
  readonly since?: string;
}

/** One person in the digest. */
export interface DigestEntry {
  readonly personId: string;
  readonly name: string;
  readonly targets: readonly string[];
}

/** The daily digest → its configured recipients. */
export interface DigestMail {
  readonly kind: 'digest';
  /** The local day summarised (`YYYY-MM-DD`). */
  readonly day: string;
  readonly joiners: readonly DigestEntry[];
  readonly movers: readonly DigestEntry[];
  readonly leavers: readonly DigestEntry[];
  readonly failures: readonly MailFailure[];
  /** Runs blocked by a threshold that day. */
  readonly blocks: number;
}

/** An access review is due → each reviewer with items in it. */
export interface ReviewDueMail {
  readonly kind: 'review-due';
  readonly campaign: string;
  /** The last day to decide (`YYYY-MM-DD`, lifecycle zone). */
  readonly deadline: string;
  /** Items waiting for this reviewer. */
  readonly items: number;
  /** What an undecided item becomes. */
  readonly defaultDecision: 'keep' | 'remove';
  /** The console page with the reviewer's items. */
  readonly link: string;
}

/** A review removed access a rule grants → the rule's owner. */
export interface ReviewFlaggedMail {
  readonly kind: 'review-flagged';
  readonly campaign: string;
  /** `Anna Groß (1042): GG-Sales in ad, granted by rule sales` per item. */
  readonly items: readonly string[];
  /** The console list of exceptions. */
  readonly link: string;
}

/** Any templated mail. */
export type MailModel = JoinerMail | PasswordMail | LeaverMail | MoverMail | FailureMail | BlockedMail | DigestMail | ReviewDueMail | ReviewFlaggedMail;

/** A mail ready to send. */
export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Pick a template language: the person's if there is a template for it, else the configured default. */
export function mailLanguage(personLanguage: string | undefined, fallback: MailLanguage): MailLanguage {
  const l = personLanguage?.slice(0, 2).toLowerCase();
  return l === 'de' || l === 'en' ? l : fallback;
}
