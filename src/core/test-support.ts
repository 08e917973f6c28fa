/**
 * Fixtures for the core's unit tests (not used at run time).
 */
import { configGuard, type CadreConfig } from '../config/schema.js';
import type { TargetCapabilities } from './capabilities.js';
import type { AccountState, Person, Reservation, Snapshot } from './model.js';
import type { PlanInput, TargetInfo } from './plan-input.js';

/** A person with sensible defaults. */
export function person(id: string, over: Partial<Person> = {}): Person {
  return { id, firstName: 'Erika', lastName: 'Beispiel', status: 'active', costCenters: [], custom: {}, hireDate: '2020-01-01', ...over };
}

/** Parse a config through the real schema (defaults applied). */
export function config(over: Record<string, unknown> = {}): CadreConfig {
  return configGuard.parse({
    source: { type: 'personio', clientId: 'x', clientSecret: 'y' },
    identifiers: {
      username: { patterns: ['{f}{last}', '{first:2}{last}', '{first:3}{last}', '{f}{last}{n}'], maxLength: 20 },
      mail: { patterns: ['{first}.{last}@example.com', '{first}.{last}{n}@example.com'], onNameChange: 'regenerate' },
    },
    lifecycle: { timezone: 'Europe/Berlin', preHireDays: 14, retentionDays: 30, leave: 'keep' },
    targets: {
      ad: {
        type: 'ad',
        attributes: {
          cn: '{{ preferredName ?? firstName }} {{ lastName }}',
          displayName: '{{ preferredName ?? firstName }} {{ lastName }}',
          givenName: '{{ firstName }}',
          sn: '{{ lastName }}',
          mail: '{{ id.mail }}',
          department: '{{ department }}',
          manager: '{{ supervisorId ? ref(supervisorId) : null }}',
          proxyAddresses: "{{ split(concat('SMTP:', id.mail, ',', join(aliases.mail, ',')), ',') }}",
        },
        identifiers: { username: ['sAMAccountName'] },
        placement: {
          by: 'office',
          map: { Berlin: 'OU=Berlin,DC=ex,DC=com', Hamburg: 'OU=Hamburg,DC=ex,DC=com' },
          default: 'OU=Staff,DC=ex,DC=com',
          disabled: 'OU=Disabled,DC=ex,DC=com',
          rules: [{ when: { employmentType: 'external' }, container: 'OU=External,DC=ex,DC=com' }],
        },
        password: true,
        leaver: { moveToDisabled: true, removeEntitlements: false },
      },
      sql: { type: 'sql', attributes: { email: '{{ id.mail }}', name: '{{ firstName }} {{ lastName }}' }, identifiers: { username: ['username'] } },
    },
    entitlements: [
      { name: 'all-staff', when: {}, grant: { ad: ['GG-All'] } },
      { name: 'sales', when: { department: 'Sales' }, grant: { ad: ['GG-Sales'], sql: ['crm'] } },
      { name: 'it', when: { department: { in: ['IT', 'Engineering'] } }, grant: { ad: ['GG-IT'] } },
    ],
    ...over,
  });
}

const caps = (over: Partial<TargetCapabilities> = {}): TargetCapabilities => ({
  supportsPassword: true, supportsMove: true, supportsRename: true, supportsEnable: true,
  supportsEntitlements: true, supportsLicences: false, softDelete: false, ...over,
});

/** Target infos for the fixture config. */
export const TARGETS: Readonly<Record<string, TargetInfo>> = {
  ad: { capabilities: caps(), correlationAttribute: 'employeeID' },
  sql: { capabilities: caps({ supportsPassword: false, supportsMove: false, supportsRename: false }), correlationAttribute: 'person_id' },
};

/** Snapshot of persons. */
export function snapshot(persons: readonly Person[], over: Partial<Snapshot> = {}): Snapshot {
  return { persons, problems: [], reportedTotal: persons.length, complete: true, readAt: '2024-06-01T00:00:00Z', ...over };
}

/** Primary reservations for a person. */
export function ids(personId: string, username: string, mail: string): Reservation[] {
  return [
    { kind: 'username', value: username, personId, status: 'primary' },
    { kind: 'mail', value: mail, personId, status: 'primary' },
  ];
}

/** Plan input with defaults. */
export function input(over: Partial<PlanInput> & { persons?: readonly Person[] } = {}): PlanInput {
  const { persons = [], ...rest } = over;
  return {
    at: '2024-06-01T10:00:00Z',
    createdAt: '2024-06-01T10:00:00Z',
    config: config(),
    snapshot: snapshot(persons),
    accounts: [],
    reservations: [],
    targets: TARGETS,
    ...rest,
  };
}

/** An AD account as the connector would report it. */
export function adAccount(personId: string, anchor: string, over: Partial<AccountState> = {}): AccountState {
  return { target: 'ad', anchor, personId, correlation: personId, enabled: true, container: 'OU=Berlin,DC=ex,DC=com', attributes: {}, entitlements: [], ...over };
}
