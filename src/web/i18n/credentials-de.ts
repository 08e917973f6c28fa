/** Deutsche Texte der Seite „Zugangsdaten neuer Mitarbeitender" (dieselben Schlüssel wie `credentials-en.ts`). */
import type { credentialsEn } from './credentials-en.js';

export const credentialsDe: Readonly<Record<keyof typeof credentialsEn, string>> = {
  'nav.credentials': 'Zugangsdaten Neue',
  'credentials.title': 'Zugangsdaten neuer Mitarbeitender',
  'credentials.explain': 'Das erste Passwort oder der befristete Zugriffspass (TAP) jeder neuen Person wird hier einmal ihrer Führungskraft angezeigt und danach gelöscht. Nicht angesehene werden {days} Tag(e) nach dem Eintrittsdatum gelöscht.',
  'credentials.none': 'Für Sie liegen keine Zugangsdaten bereit.',
  'credentials.person': 'Neue Person',
  'credentials.startDate': 'Eintritt',
  'credentials.system': 'System',
  'credentials.kind': 'Art',
  'credentials.login': 'Anmeldename',
  'credentials.validFrom': 'Gültig ab',
  'credentials.expires': 'Ungesehen gelöscht am',
  'credentials.kind.password': 'Erstpasswort (bei der ersten Anmeldung zu ändern)',
  'credentials.kind.tap': 'Befristeter Zugriffspass (TAP)',
  'credentials.show': 'Einmal anzeigen',
  'credentials.showLabel': 'Zugangsdaten von {name} in {target} einmal anzeigen',
  'credentials.revealedTitle': 'Zugangsdaten für {name}',
  'credentials.onceOnly': 'Diese Angabe wird nur dieses eine Mal angezeigt und ist jetzt in Cadre gelöscht. Geben Sie sie {name} am ersten Tag persönlich oder telefonisch weiter, nicht per E-Mail.',
  'credentials.value': 'Zugangsdaten',
  'credentials.gone': 'Diese Zugangsdaten sind nicht mehr verfügbar: bereits angesehen, abgelaufen oder ersetzt. Bitten Sie bei Bedarf den Helpdesk um neue.',
  'credentials.unreadable': 'Diese Zugangsdaten ließen sich nicht entschlüsseln (der Schlüssel wurde geändert) und wurden gelöscht. Bitten Sie den Helpdesk um neue.',
  'credentials.back': 'Zurück zu den Zugangsdaten',
};
