/**
 * Request mails: to approvers (pending), requesters (decided, denied at the deadline) and the person's manager and
 * requester before an end date. They link to the console's request page; they never carry an approve-by-link token.
 * Text in German when the recipient's person record says so (`language`, from Personio's `language_code`), else English.
 */
import type { Person } from '../../core/model.js';
import type { AccessRequest } from '../../store/types.js';
import type { Engine } from '../engine.js';

type Kind = AccessRequest['status'] | 'expiring';

const TEXT: Record<'en' | 'de', Record<Kind, string>> = {
  en: {
    pending: 'Request #{id} for {item} (person {person}) waits for your decision.',
    approved: 'Request #{id} for {item} (person {person}) was approved; the next sync grants it.',
    rejected: 'Request #{id} for {item} (person {person}) was rejected.',
    'denied-deadline': 'Request #{id} for {item} (person {person}) was denied: nobody decided it before its deadline.',
    revoked: 'The access of request #{id} ({item}, person {person}) was revoked.',
    expired: 'The access of request #{id} ({item}, person {person}) ended on {end}.',
    cancelled: 'Request #{id} for {item} (person {person}) was cancelled.',
    expiring: 'The access of request #{id} ({item}, person {person}) ends on {end}. Request it again if it is still needed.',
  },
  de: {
    pending: 'Antrag #{id} auf {item} (Person {person}) wartet auf Ihre Entscheidung.',
    approved: 'Antrag #{id} auf {item} (Person {person}) wurde genehmigt; die nächste Synchronisation vergibt ihn.',
    rejected: 'Antrag #{id} auf {item} (Person {person}) wurde abgelehnt.',
    'denied-deadline': 'Antrag #{id} auf {item} (Person {person}) wurde abgelehnt: bis zur Frist hat niemand entschieden.',
    revoked: 'Der Zugriff aus Antrag #{id} ({item}, Person {person}) wurde entzogen.',
    expired: 'Der Zugriff aus Antrag #{id} ({item}, Person {person}) endete am {end}.',
    cancelled: 'Antrag #{id} auf {item} (Person {person}) wurde zurückgezogen.',
    expiring: 'Der Zugriff aus Antrag #{id} ({item}, Person {person}) endet am {end}. Beantragen Sie ihn erneut, falls er weiter nötig ist.',
  },
};

function languageOf(p: Person | undefined): 'en' | 'de' {
  const v = p?.language;
  return typeof v === 'string' && v.toLowerCase().startsWith('de') ? 'de' : 'en';
}

/** A person of an approver / requester reference: a person id, or a console user linked to one. */
async function personOfRef(engine: Engine, ref: string): Promise<Person | undefined> {
  const direct = await engine.store.persons.get(ref);
  if (direct) return direct;
  const user = await engine.store.users.get(ref) ?? await engine.store.users.byUsername(ref);
  return user?.personId !== undefined ? engine.store.persons.get(user.personId) : undefined;
}

/** Mail each reference with an address; returns how many were sent. Failures are logged, never thrown. */
export async function mailRequest(engine: Engine, r: AccessRequest, kind: Kind, refs: readonly string[]): Promise<number> {
  if (!engine.notifier.configured) return 0;
  const item = engine.config.catalog.items.find((i) => i.id === r.item);
  const name = item === undefined ? r.item : typeof item.name === 'string' ? item.name : item.name.en;
  const link = `${engine.config.web.publicUrl.replace(/\/$/, '')}/requests/${r.id}`;
  let sent = 0;
  const seen = new Set<string>();
  for (const ref of refs) {
    const p = await personOfRef(engine, ref);
    const to = p?.email;
    if (to === undefined || to === '' || seen.has(to.toLowerCase())) continue;
    seen.add(to.toLowerCase());
    const lang = languageOf(p);
    const itemName = item !== undefined && typeof item.name !== 'string' ? item.name[lang] : name;
    const line = TEXT[lang][kind].replace('{id}', String(r.id)).replace('{item}', itemName).replace('{person}', r.personId).replace('{end}', r.endDate ?? '');
    const res = await engine.notifier.send({ event: 'request', to: [to], subject: `Cadre: ${line.split(':')[0]?.slice(0, 120) ?? `#${r.id}`}`, lines: [line, '', link] });
    if (res.ok) sent++;
    else engine.log.warn({ code: res.code, request: r.id }, 'request mail not sent');
  }
  return sent;
}
