/**
 * The AD target connector: list/find/isFree over paged LDAP searches, apply by action.
 */
import { correlationCodec } from '../../core/correlation.js';
import type { AccountState } from '../../core/model.js';
import type { TargetConfig } from '../../config/schema.js';
import type { ApplyContext, Correlation, EntitlementListing, LiveCheckScope, LiveFinding, OperationResult, TargetConnector, TargetDeps } from '../contract.js';
import type { Operation } from '../../core/model.js';
import { AdLdap } from './client.js';
import { applyCreate } from './create.js';
import { toAdError } from './errors.js';
import { eqFilter } from './escape.js';
import { GroupDirectory } from './groups.js';
import type { AdTargetOptions } from './guard.js';
import type { ReadContext } from './read.js';
import { entryToState, ManagerNames, readAttributes, userFilter } from './read.js';
import type { AdRuntime } from './runtime.js';
import { domainRootOf } from './runtime.js';
import { adHelpdesk } from './helpdesk.js';
import { applyOther } from './write.js';
import { adLiveCheck, correlationIndex } from './live-check.js';

/** Attributes reported when the target block maps none (tests, `cadre validate` of a bare target). */
export const DEFAULT_ATTRIBUTES = [
  'sAMAccountName', 'userPrincipalName', 'givenName', 'sn', 'displayName', 'cn', 'mail', 'proxyAddresses', 'employeeID',
  'department', 'title', 'company', 'physicalDeliveryOfficeName', 'telephoneNumber', 'manager', 'description',
];

/** Build the connector from validated options and an (unconnected) LDAP pool. */
export function createAdConnector(name: string, opts: AdTargetOptions, ldap: AdLdap, deps: TargetDeps, target: TargetConfig): TargetConnector {
  const mapped = Object.keys(target.attributes);
  const addressList = opts.proxyAddresses === false ? undefined : { attribute: 'proxyAddresses', identifiers: opts.proxyAddresses.identifiers };
  // Without the address list and without a template, Cadre never writes proxyAddresses (it is still checked by isFree).
  const proxyMapped = mapped.some((a) => a.toLowerCase() === 'proxyaddresses');
  const readOnlyAttributes = addressList === undefined && !proxyMapped ? ['proxyAddresses'] : [];
  // The address list is read back so that it converges (and so that foreign values are seen and kept).
  // The home folder is read back for the offboarding step that hands it over to the manager.
  const listed = [...(addressList ? [addressList.attribute] : []), ...(opts.homeDirectory ? ['homeDirectory'] : [])];
  const attributes = [...new Set([...(mapped.length > 0 ? mapped : DEFAULT_ATTRIBUTES), ...listed, 'cn', 'sAMAccountName', 'userPrincipalName', opts.correlationAttribute])];
  const groups = new GroupDirectory(ldap, opts, target.managedEntitlements, deps.grants ?? []);
  const codec = correlationCodec(target.correlation?.value);
  const read: ReadContext = { target: name, correlationAttribute: opts.correlationAttribute, codec, attributes, groups, ldap, rangeSize: opts.rangeSize };
  const rt: AdRuntime = { name, opts, ldap, groups, read, log: deps.log, domainRoot: domainRootOf(opts.baseDN), ...(addressList ? { addressList: addressList.attribute } : {}) };
  const attrs = readAttributes(read);

  // Warn once when the correlation attribute is not indexed: every create's correlation lookup and every find()
  // then scans the directory (AD's default for employeeID). Index it: searchFlags bit 0 on its attributeSchema.
  let indexChecked: Promise<void> | undefined;
  const checkIndex = (): Promise<void> => (indexChecked ??= (async () => {
    try {
      const idx = await correlationIndex(rt);
      if (idx?.exists === true && !idx.indexed) {
        deps.log.warn({ target: name, attribute: opts.correlationAttribute }, `AD attribute ${opts.correlationAttribute} is not indexed: creates and lookups scan the directory; set bit 0 of its searchFlags in the schema`);
      }
    } catch {
      // informational only (the service account may not read the schema)
    }
  })());

  async function toStates(entries: import('ldapts').Entry[], managers: ManagerNames): Promise<AccountState[]> {
    for (const e of entries) managers.note(e);
    const out: AccountState[] = [];
    for (const e of entries) out.push(await entryToState(e, read, managers));
    return out;
  }

  return {
    name,
    kind: 'ad',
    capabilities: {
      supportsPassword: true, supportsMove: true, supportsRename: true, supportsEnable: true,
      supportsEntitlements: true, supportsLicences: false, softDelete: false,
    },
    correlationAttribute: opts.correlationAttribute,
    concurrency: opts.concurrency,
    identifierAttributes: opts.identifierAttributes,
    identifierLimits: { username: 20 },
    expiryAttributes: ['accountExpires'],
    ...(addressList ? { addressList } : {}),
    ...(readOnlyAttributes.length > 0 ? { readOnlyAttributes } : {}),
    offboardSteps: ['hideFromAddressLists'],

    async *list(): AsyncIterable<readonly AccountState[]> {
      try {
        await checkIndex();
        await groups.loadConfigured(true);
        const managers = new ManagerNames(read);
        const pages = ldap.searchPaged(opts.baseDN, { filter: userFilter(opts.correlationAttribute), attributes: attrs, buffers: ['objectGUID'] }, opts.pageSize);
        for await (const page of pages) {
          if (page.length > 0) yield await toStates(page, managers);
        }
      } catch (e) {
        throw toAdError(e, `list ${name}`);
      }
    },

    async find(c: Correlation): Promise<readonly AccountState[]> {
      try {
        await groups.loadConfigured();
        // By the correlation id: only accounts that carry one. By another attribute (secondary correlation):
        // any user, so legacy accounts without the id are found too.
        const byId = c.attribute.toLowerCase() === opts.correlationAttribute.toLowerCase();
        const filter = byId ? userFilter(opts.correlationAttribute, eqFilter(c.attribute, c.value)) : `(&(objectCategory=person)(objectClass=user)${eqFilter(c.attribute, c.value)})`;
        const entries = await ldap.search(opts.baseDN, { filter, attributes: attrs, buffers: ['objectGUID'] });
        return await toStates(entries, new ManagerNames(read));
      } catch (e) {
        throw toAdError(e, `find ${c.attribute}=${c.value} in ${name}`);
      }
    },

    async isFree(attribute: string, value: string): Promise<boolean> {
      try {
        const lc = attribute.toLowerCase();
        let filter = eqFilter(attribute, lc === 'proxyaddresses' && !value.includes(':') ? `smtp:${value}` : value);
        // A UPN must not collide with anyone's mail alias either (AD matches proxyAddresses case-insensitively).
        if (lc === 'userprincipalname') filter = `(|${filter}${eqFilter('proxyAddresses', `smtp:${value}`)})`;
        const hits = await ldap.search(rt.domainRoot, { filter, attributes: ['1.1'] });
        return hits.length === 0;
      } catch (e) {
        throw toAdError(e, `isFree ${attribute}=${value} in ${name}`);
      }
    },

    async apply(op: Operation, ctx: ApplyContext): Promise<OperationResult> {
      if (op.action === 'create') {
        await checkIndex();
        return applyCreate(rt, op, ctx);
      }
      return applyOther(rt, op, ctx);
    },

    async listEntitlements(): Promise<EntitlementListing> {
      try {
        return { names: await groups.catalog(opts.pageSize) };
      } catch (e) {
        throw toAdError(e, `list groups of ${name}`);
      }
    },

    async listContainers(): Promise<readonly string[]> {
      try {
        const out = [opts.baseDN];
        const filter = '(|(objectClass=organizationalUnit)(objectClass=container))';
        for await (const page of ldap.searchPaged(opts.baseDN, { filter, attributes: ['1.1'] }, opts.pageSize)) for (const e of page) out.push(e.dn);
        return out;
      } catch (e) {
        throw toAdError(e, `list OUs of ${name}`);
      }
    },

    checkLive: (scope: LiveCheckScope): Promise<LiveFinding[]> => adLiveCheck(rt, scope),

    // resetPassword, unlock, accountStatus, passwordPolicy
    ...adHelpdesk(rt),

    async close(): Promise<void> {
      await ldap.close();
    },
  };
}
