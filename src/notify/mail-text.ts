/**
 * The words of the lifecycle mails in English and German: per event a function from the model to a language-neutral
 * {@link MailBody}. No markup here; mail-render.ts lays a body out as text and as escaped HTML.
 */
import type { MailLanguage, MailModel, MailPerson, MailAccount, MailFailure, DigestEntry } from './mail-model.js';

/** What a mail says, before layout. */
export interface MailBody {
  readonly subject: string;
  readonly title: string;
  readonly paragraphs: readonly string[];
  readonly rows: readonly (readonly [string, string])[];
  /** Headed lists (accounts, changes, failures). */
  readonly lists: readonly { readonly heading: string; readonly items: readonly string[] }[];
  /** The boxed password of the password mail. */
  readonly secret?: { readonly heading: string; readonly label: string; readonly value: string; readonly note: string };
  readonly footer: string;
}

/** `YYYY-MM-DD` as the language writes dates (German `01.03.2025`). */
export function formatDate(d: string | undefined, lang: MailLanguage): string {
  if (d === undefined || d === '') return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  return m && lang === 'de' ? `${m[3]}.${m[2]}.${m[1]}` : d;
}

const L = {
  en: {
    name: 'Name', id: 'Personnel no.', department: 'Department', position: 'Position', start: 'Start date', end: 'Last day', deletion: 'Deletion from',
    accounts: 'Accounts', changes: 'Changes', failures: 'Failed operations', none: '(none)', login: 'login', noLogin: 'account',
    footer: (org?: string) => `Sent automatically by Cadre${org ? ` for ${org}` : ''}. Please do not reply.`,
  },
  de: {
    name: 'Name', id: 'Personalnummer', department: 'Abteilung', position: 'Position', start: 'Eintrittsdatum', end: 'Letzter Tag', deletion: 'Löschung ab',
    accounts: 'Konten', changes: 'Änderungen', failures: 'Fehlgeschlagene Vorgänge', none: '(keine)', login: 'Anmeldename', noLogin: 'Konto',
    footer: (org?: string) => `Automatisch gesendet von Cadre${org ? ` für ${org}` : ''}. Bitte nicht antworten.`,
  },
} as const;

const DELIVERY: Record<MailLanguage, Record<'console' | 'tap' | 'mail-separate' | 'none', string>> = {
  en: {
    console: 'First password: it is not in this mail. Sign in to the Cadre console and open New hire credentials: the first password is shown there once, to you. Hand it over personally; it must be changed at the first sign-in.',
    tap: 'First sign-in: a Temporary Access Pass for the Entra account, valid from the start date, is waiting for you in the Cadre console under New hire credentials (shown once). It is not in this mail.',
    'mail-separate': 'First password: it is not in this mail. You receive it in a separate mail on the start date.',
    none: '',
  },
  de: {
    console: 'Erstes Passwort: Es steht nicht in dieser Mail. Melden Sie sich in der Cadre-Konsole an und öffnen Sie „Zugangsdaten Neue“: Dort wird Ihnen das erste Passwort einmalig angezeigt. Übergeben Sie es persönlich; es muss bei der ersten Anmeldung geändert werden.',
    tap: 'Erste Anmeldung: Ein Temporary Access Pass für das Entra-Konto, gültig ab dem Eintrittsdatum, liegt für Sie in der Cadre-Konsole unter „Zugangsdaten Neue“ bereit (einmalig angezeigt). Er steht nicht in dieser Mail.',
    'mail-separate': 'Erstes Passwort: Es steht nicht in dieser Mail. Sie erhalten es in einer eigenen Mail am Eintrittsdatum.',
    none: '',
  },
};

function personRows(p: MailPerson, lang: MailLanguage, extra: readonly (readonly [string, string | undefined])[]): [string, string][] {
  const t = L[lang];
  const rows: [string, string | undefined][] = [[t.name, p.name], [t.id, p.id], [t.department, p.department], [t.position, p.position], ...extra.map(([k, v]) => [k, v] as [string, string | undefined])];
  return rows.filter((r): r is [string, string] => typeof r[1] === 'string' && r[1].trim() !== '');
}

const account = (a: MailAccount, lang: MailLanguage): string => (a.login ? `${a.target}: ${L[lang].login} ${a.login}` : `${a.target}: ${L[lang].noLogin}`);
const failure = (f: MailFailure): string => `${f.action} ${f.target} #${f.personId}: ${f.code} ${f.message}`.trim();
const entry = (e: DigestEntry): string => `${e.name} (#${e.personId})${e.targets.length > 0 ? `: ${e.targets.join(', ')}` : ''}`;

/** The body of a mail in a language. `org` names the organisation in the footer. */
export function mailBody(m: MailModel, lang: MailLanguage, org?: string): MailBody {
  const t = L[lang];
  const de = lang === 'de';
  const footer = t.footer(org);
  const d = (x: string | undefined) => formatDate(x, lang);
  switch (m.kind) {
    case 'joiner': {
      const who = m.person.name;
      const start = d(m.startDate);
      const intro = de
        ? (m.rehire ? `${who} kehrt zurück${start ? ` und beginnt am ${start}` : ''}. Die früheren Konten sind wieder eingerichtet.` : `${who} beginnt${start ? ` am ${start}` : ''}. Die Konten sind eingerichtet.`)
        : (m.rehire ? `${who} returns${start ? ` on ${start}` : ''}. The former accounts are set up again.` : `${who} starts${start ? ` on ${start}` : ''}. Their accounts are ready.`);
      const delivery = DELIVERY[lang][m.passwordDelivery];
      return {
        subject: de ? `Neue Kollegin/neuer Kollege: Konten für ${who} sind bereit` : `New colleague: accounts for ${who} are ready`,
        title: de ? 'Neueintritt' : 'New joiner',
        paragraphs: delivery ? [intro, delivery] : [intro],
        rows: personRows(m.person, lang, [[t.start, start]]),
        lists: [{ heading: t.accounts, items: m.accounts.length > 0 ? m.accounts.map((a) => account(a, lang)) : [t.none] }],
        footer,
      };
    }
    case 'password': {
      const who = m.person.name;
      const lost = m.password === '';
      return {
        subject: de ? `Vertraulich: erstes Passwort für ${who}` : `Confidential: first password for ${who}`,
        title: de ? 'Erstes Passwort' : 'First password',
        paragraphs: [lost
          ? (de ? `Ein unterbrochener Lauf hat das erste Passwort von ${who} für ${m.account.target} verloren. Bitte lassen Sie es vom Helpdesk neu setzen.` : `An interrupted run lost the first password of ${who} for ${m.account.target}. Please ask the helpdesk to set a new one.`)
          : (de ? `Das erste Passwort von ${who} für ${m.account.target}. Es gilt ab heute, dem ersten Arbeitstag.` : `The first password of ${who} for ${m.account.target}. It is valid from today, the first working day.`)],
        rows: personRows(m.person, lang, [[t.start, d(m.startDate)]]),
        lists: [],
        ...(lost ? {} : {
          secret: {
            heading: de ? 'VERTRAULICH: ERSTES PASSWORT' : 'CONFIDENTIAL: FIRST PASSWORD',
            label: account(m.account, lang),
            value: m.password,
            note: de
              ? 'Persönlich übergeben; es muss bei der ersten Anmeldung geändert werden. Cadre speichert es nicht. Löschen Sie diese Mail danach.'
              : 'Hand it over personally; it must be changed at the first sign-in. Cadre does not store it. Delete this mail afterwards.',
          },
        }),
        footer,
      };
    }
    case 'leaver': {
      const who = m.person.name;
      const end = d(m.endDate);
      const del = d(m.deleteOn);
      return {
        subject: de ? `Konten von ${who} wurden deaktiviert` : `Accounts of ${who} were disabled`,
        title: de ? 'Austritt' : 'Leaver',
        paragraphs: [
          de ? `${who} ist ausgetreten${end ? ` (letzter Tag ${end})` : ''}. Die Konten unten sind deaktiviert; eine Anmeldung ist nicht mehr möglich.` : `${who} has left${end ? ` (last day ${end})` : ''}. The accounts below are disabled; signing in is no longer possible.`,
          del
            ? (de ? `Die Konten werden ab dem ${del} gelöscht. Sichern Sie vorher, was noch gebraucht wird.` : `The accounts will be deleted from ${del} on. Secure anything still needed before then.`)
            : (de ? 'Die Konten bleiben deaktiviert erhalten, bis die Aufbewahrungsfrist abläuft.' : 'The accounts are kept disabled until the retention period ends.'),
          ...(m.homeFolder ? [de ? `Der Basisordner ${m.homeFolder} wird Ihnen übergeben: sichten Sie ihn vor der Löschung.` : `The home folder ${m.homeFolder} is handed over to you: review it before the deletion.`] : []),
        ],
        rows: personRows(m.person, lang, [[t.end, end], [t.deletion, del]]),
        lists: [
          { heading: de ? 'Deaktiviert' : 'Disabled', items: m.disabled.length > 0 ? m.disabled.map((a) => account(a, lang)) : [t.none] },
          ...(m.steps ? [{ heading: de ? 'Austrittsschritte' : 'Offboarding steps', items: m.steps }] : []),
        ],
        footer,
      };
    }
    case 'mover':
      return {
        subject: de ? `Zugriffe von ${m.person.name} wurden geändert` : `Access changed for ${m.person.name}`,
        title: de ? 'Wechsel' : 'Access changed',
        paragraphs: [de ? `Die Zugriffe von ${m.person.name} haben sich geändert.` : `The access of ${m.person.name} has changed.`],
        rows: personRows(m.person, lang, []),
        lists: [{ heading: t.changes, items: m.changes.length > 0 ? m.changes : [t.none] }],
        footer,
      };
    case 'failure':
      return {
        subject: de ? `Cadre: ${m.total} Vorgang/Vorgänge fehlgeschlagen` : `Cadre: ${m.total} operation(s) failed`,
        title: de ? 'Fehlgeschlagene Vorgänge' : 'Operations failed',
        paragraphs: [de ? 'Einige Vorgänge sind fehlgeschlagen. Sie werden beim nächsten Lauf wiederholt; Einzelheiten stehen im Journal.' : 'Some operations failed. They are retried on the next run; see the journal for details.'],
        rows: [],
        lists: [{ heading: t.failures, items: [...m.failures.map(failure), ...(m.total > m.failures.length ? [`… +${m.total - m.failures.length}`] : [])] }],
        footer,
      };
    case 'blocked':
      return {
        subject: m.since
          ? (de ? `Cadre: weiterhin durch einen Schwellwert blockiert (seit ${m.since})` : `Cadre: still blocked by a safety threshold (since ${m.since})`)
          : (de ? 'Cadre: ein Lauf wurde durch einen Schwellwert blockiert' : 'Cadre: a run was blocked by a safety threshold'),
        title: de ? 'Durch Schwellwert blockiert' : 'Run blocked by a safety threshold',
        paragraphs: [
          de ? 'Ein geplanter Lauf wurde blockiert, weil er einen Schwellwert überschreitet. Es wurde nichts geändert.' : 'A planned run was blocked because it exceeds a safety threshold. Nothing was changed.',
          de ? `Prüfen mit \`cadre plan\`; freigeben mit \`cadre sync --approve ${m.scopes}\` oder in der Konsole.` : `Review it with \`cadre plan\`; approve with \`cadre sync --approve ${m.scopes}\` or in the console.`,
        ],
        rows: [],
        lists: [{ heading: de ? 'Überschreitungen' : 'Breaches', items: m.breaches }],
        footer,
      };
    case 'review-due':
      return {
        subject: de ? `Cadre: Zugriffsprüfung „${m.campaign}“ bis ${d(m.deadline)}` : `Cadre: access review "${m.campaign}" due by ${d(m.deadline)}`,
        title: de ? 'Eine Zugriffsprüfung wartet auf Sie' : 'An access review is waiting for you',
        paragraphs: [
          de
            ? `Bitte prüfen Sie ${m.items} ${m.items === 1 ? 'Berechtigung' : 'Berechtigungen'} bis ${d(m.deadline)}: behalten oder entfernen, mit Begründung.`
            : `Please review ${m.items} ${m.items === 1 ? 'access' : 'accesses'} by ${d(m.deadline)}: keep or remove, with a comment.`,
          de
            ? `Was bis dahin nicht entschieden ist, wird ${m.defaultDecision === 'keep' ? 'behalten' : 'entfernt'}.`
            : `Whatever is undecided by then is ${m.defaultDecision === 'keep' ? 'kept' : 'removed'}.`,
          de ? `In der Cadre-Konsole: ${m.link}` : `In the Cadre console: ${m.link}`,
        ],
        rows: [],
        lists: [],
        footer,
      };
    case 'review-flagged':
      return {
        subject: de ? `Cadre: Zugriffsprüfung „${m.campaign}“ hat Zugriffe aus Ihren Regeln entfernt` : `Cadre: review "${m.campaign}" removed access your rules grant`,
        title: de ? 'Ausnahmen zu Ihren Regeln' : 'Exceptions to your rules',
        paragraphs: [
          de
            ? 'Die Prüfung hat diese Zugriffe entfernt, obwohl eine Ihrer Regeln sie vergibt. Sie bleiben als Ausnahme entfernt, bis die Regel sich ändert oder ein Admin die Ausnahme aufhebt.'
            : 'The review removed these accesses although one of your rules grants them. They stay removed as exceptions until the rule changes or an admin lifts them.',
          de ? `Ausnahmen in der Cadre-Konsole: ${m.link}` : `Exceptions in the Cadre console: ${m.link}`,
        ],
        rows: [],
        lists: [{ heading: de ? 'Entfernt' : 'Removed', items: m.items }],
        footer,
      };
    case 'digest': {
      const day = d(m.day);
      const list = (heading: string, items: readonly string[]) => ({ heading: `${heading} (${items.length})`, items: items.length > 0 ? items : [t.none] });
      return {
        subject: de ? `Cadre: Tagesübersicht ${day}` : `Cadre: daily digest ${day}`,
        title: de ? `Tagesübersicht ${day}` : `Daily digest ${day}`,
        paragraphs: [de
          ? `${m.joiners.length} Eintritte, ${m.movers.length} Wechsel, ${m.leavers.length} Austritte, ${m.failures.length} Fehler, ${m.blocks} Blockierungen.`
          : `${m.joiners.length} joiners, ${m.movers.length} movers, ${m.leavers.length} leavers, ${m.failures.length} failures, ${m.blocks} blocks.`],
        rows: [],
        lists: [
          list(de ? 'Eintritte' : 'Joiners', m.joiners.map(entry)),
          list(de ? 'Wechsel' : 'Movers', m.movers.map(entry)),
          list(de ? 'Austritte' : 'Leavers', m.leavers.map(entry)),
          list(t.failures, m.failures.map(failure)),
        ],
        footer,
      };
    }
  }
}
