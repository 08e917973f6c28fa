/**
 * Runs the conformance suite against the in-memory reference connector, so every test of the suite
 * (rename and references included) is exercised even before a directory target exists.
 */
import type { AttrValue } from '../../core/model.js';
import { createMemoryTarget } from './memory-target.js';
import { runConformanceSuite } from './suite.js';

runConformanceSuite('memory reference connector', async () => {
  const t = createMemoryTarget({ pageSize: 10, identifierAttributes: { username: ['sAMAccountName'], mail: ['mail'] } });
  return {
    connector: t.connector,
    sample(i: number, variant?: 'renamed' | 'updated') {
      const sam = variant === 'renamed' ? `renamed${i}` : `user${i}`;
      const attributes: Record<string, AttrValue> = {
        sAMAccountName: sam,
        cn: variant === 'renamed' ? `Renamed ${i}` : `User ${i}`,
        mail: `${sam}@example.test`,
        title: variant === 'updated' ? 'Lead' : 'Member',
        proxyAddresses: variant === 'updated' ? [`smtp:b${i}@x.test`, `smtp:a${i}@x.test`] : [`smtp:a${i}@x.test`],
      };
      return { personId: `P${i}`, attributes, container: 'OU=Sales,DC=example,DC=test', altContainer: 'OU=Finance,DC=example,DC=test', entitlements: ['GG-Sales', 'GG-All'] };
    },
    async inspect(anchor: string) {
      const r = t.row(anchor);
      if (!r) return undefined;
      return {
        enabled: r.enabled, attributes: { ...r.attributes }, ...(r.container ? { container: r.container } : {}), entitlements: [...r.entitlements],
        ...(r.mustChangePassword !== undefined ? { mustChangePassword: r.mustChangePassword } : {}),
      };
    },
    async cleanup() { /* memory */ },
    referenceAttribute: 'manager',
    async verifyPassword(anchor, password) { return t.verifyPassword(anchor, password); },
    async lockOut(anchor) { t.lockOut(anchor); },
  };
}, { listSize: 45, pageSize: 10, helpdesk: ['resetPassword', 'unlock', 'accountStatus', 'passwordPolicy'] });
