/**
 * `lifecycle.offboarding`: the extra steps run for a leaver when the account is disabled (the end of the last
 * working day), each planned as an operation of its own, thresholded and audited. The delayed delete (retention)
 * always comes last; listing `{ step: delete }` only says so.
 */
import { z } from 'zod';

const targets = z.array(z.string().min(1)).min(1).optional();
const recipients = z.array(z.string().min(1)).min(1);

/** One offboarding step. `targets` (where allowed) limits it to those targets; default: every target it fits. */
export const offboardingStepGuard = z.discriminatedUnion('step', [
  /** Revoke the licences Cadre manages (Entra `licences:`); group-inherited licences go with the group. */
  z.object({ step: z.literal('removeLicences'), targets }).strict(),
  /** Revoke every managed group (licences stay unless `removeLicences` is listed too). */
  z.object({ step: z.literal('removeGroups'), targets }).strict(),
  /** AD: `msExchHideFromAddressLists` = TRUE (needs the Exchange schema; `cadre validate --live` checks it). */
  z.object({ step: z.literal('hideFromAddressLists'), targets }).strict(),
  /** Entra: `POST /users/{id}/revokeSignInSessions`. */
  z.object({ step: z.literal('revokeSessions'), targets }).strict(),
  /** Call a REST target's `offboard` request. */
  z.object({ step: z.literal('webhook'), target: z.string().min(1) }).strict(),
  /**
   * Hand the AD home folder (`homeDirectory`) over to the manager: a mail naming the path to `notify`, and when
   * `webhook` names a REST target, its `offboard` request (step `homeFolder`) with the path (e.g. a file-server job).
   */
  z.object({ step: z.literal('homeFolder'), target: z.string().min(1), notify: recipients.default(['manager']), webhook: z.string().min(1).optional() }).strict(),
  /** The leaver mail listing the offboarding steps: `manager`, `person` or addresses. */
  z.object({ step: z.literal('notify'), to: recipients }).strict(),
  /** The delayed delete after `retentionDays`: always last, whether listed or not. */
  z.object({ step: z.literal('delete') }).strict(),
]);

/** The list, in the order the steps should appear (the delete, when listed, must be last). */
export const offboardingGuard = z.array(offboardingStepGuard)
  .refine((l) => l.findIndex((s) => s.step === 'delete') < 0 || l.findIndex((s) => s.step === 'delete') === l.length - 1, { message: 'the delete step comes last' })
  .default([]);

/** One validated step. */
export type OffboardingStep = z.infer<typeof offboardingStepGuard>;
