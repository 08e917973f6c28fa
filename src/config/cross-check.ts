/**
 * Cross-references the schema alone cannot check and the core rule validation does not cover
 * (target types, threshold targets, notification recipients, catalogue items, review scopes). Pure: config in, problems out.
 */
import type { CadreConfig } from './schema.js';
import type { RawProblem } from './issues.js';
import { targetTypes } from '../targets/registry.js';
import { catalogCheck } from './catalog-check.js';
import { reviewCheck } from './review-check.js';
import { offboardingCheck } from './offboarding-check.js';
import { firstPasswordCheck } from './first-password-check.js';
import { NOTIFY_TARGET, WRITEBACK_TARGET } from '../core/plan-input.js';

const EVENT_RECIPIENT = /^(manager|person|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/;

/** Problems with references between sections (unknown target, identifier kind, target type…). */
export function crossCheck(config: CadreConfig, knownTypes: readonly string[] = targetTypes()): RawProblem[] {
  const out: RawProblem[] = [];
  const targets = new Set(Object.keys(config.targets));
  const list = (s: Iterable<string>): string => [...s].join(', ') || 'none defined';

  if (targets.size === 0) out.push({ path: ['targets'], message: 'at least one target is required' });
  for (const [name, t] of Object.entries(config.targets)) {
    // Write-back and notification operations travel under these names; a target so named would be shadowed by them.
    if (name === WRITEBACK_TARGET || name === NOTIFY_TARGET) {
      out.push({ path: ['targets', name], message: `"${name}" is reserved (Cadre's ${name === NOTIFY_TARGET ? 'notifications' : 'Personio write-back'} use it): give this target another name` });
    }
    if (!knownTypes.includes(t.type)) {
      out.push({ path: ['targets', name, 'type'], message: `unknown target type "${t.type}" (known: ${knownTypes.join(', ')})` });
    }
  }
  config.entitlements.forEach((rule, i) => {
    if (Object.keys(rule.grant).length === 0) out.push({ path: ['entitlements', i, 'grant'], message: 'grants nothing: name at least one target' });
  });
  for (const target of Object.keys(config.thresholds.targets)) {
    if (!targets.has(target)) out.push({ path: ['thresholds', 'targets', target], message: `unknown target "${target}" (targets: ${list(targets)})` });
  }
  for (const [event, recipients] of Object.entries(config.notifications.events)) {
    (recipients ?? []).forEach((r, i) => {
      if (!EVENT_RECIPIENT.test(r)) out.push({ path: ['notifications', 'events', event, i], message: `expected "manager", "person" or an e-mail address, got "${r.slice(0, 80)}"` });
    });
  }
  const smtp = config.notifications.smtp;
  if (smtp?.secure && smtp.allowPlain) {
    out.push({ path: ['notifications', 'smtp', 'allowPlain'], message: 'contradicts secure: true (implicit TLS): drop allowPlain' });
  }
  if (smtp && !smtp.secure && smtp.port === 465) {
    out.push({ path: ['notifications', 'smtp', 'secure'], message: 'port 465 speaks implicit TLS: set secure: true (STARTTLS is port 587)' });
  }
  (config.notifications.digest?.to ?? []).forEach((r, i) => {
    if (r === 'manager' || r === 'person' || !EVENT_RECIPIENT.test(r)) out.push({ path: ['notifications', 'digest', 'to', i], message: `expected an e-mail address, got "${r.slice(0, 80)}"` });
  });
  out.push(...catalogCheck(config));
  out.push(...reviewCheck(config));
  out.push(...offboardingCheck(config));
  out.push(...firstPasswordCheck(config));
  return out;
}
