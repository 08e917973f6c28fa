import type { requestsEn } from './requests-en.js';

/** German messages of catalogue requests. */
export const requestsDe: Record<keyof typeof requestsEn, string> = {
  'nav.requests': 'Anträge',
  'requests.title': 'Zugriffsanträge',
  'requests.inbox': 'Warten auf meine Entscheidung',
  'requests.mine': 'Meine Anträge',
  'requests.new': 'Zugriff beantragen',
  'requests.item': 'Katalogeintrag',
  'requests.person': 'Personalnummer',
  'requests.justification': 'Begründung',
  'requests.endDate': 'Enddatum (JJJJ-MM-TT, wo der Eintrag eines erlaubt)',
  'requests.submit': 'Antrag senden',
  'requests.approve': 'Genehmigen',
  'requests.reject': 'Ablehnen',
  'requests.comment': 'Kommentar',
  'requests.nothing': 'Nichts vorhanden.',
  'requests.status': 'Status',
  'requests.history': 'Verlauf',
  'requests.refused': 'Abgelehnt: {reason}',
  'requests.created': 'Antrag #{id} gesendet.',
};
