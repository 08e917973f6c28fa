/**
 * Mails to fixed recipients (failures, threshold blocks, the digest): each address in the language of the person it
 * belongs to, if Cadre knows one with that e-mail, else `notifications.defaultLanguage`.
 */
import type { MailModel, NotifyResult } from '../notify/index.js';
import { byLanguage, resolveRecipients } from './effects/notify.js';
import type { Engine } from './engine.js';

/** Send a templated mail to addresses; the last result (the first failure stops). */
export async function mailAdmins(engine: Pick<Engine, 'notifier' | 'store' | 'config'>, to: readonly string[], mail: MailModel): Promise<NotifyResult> {
  const persons = new Map((await engine.store.persons.all()).map((p) => [p.id, p]));
  const rs = resolveRecipients(to, undefined, persons, engine.config.notifications.defaultLanguage);
  let result: NotifyResult = { ok: false, code: 'NOTIFY_NO_RECIPIENTS', message: `no recipient for the ${mail.kind} mail` };
  for (const [lang, addresses] of byLanguage(rs)) {
    result = await engine.notifier.sendMail({ to: addresses, lang, mail });
    if (!result.ok) break;
  }
  return result;
}
