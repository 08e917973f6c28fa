/**
 * Microsoft's own client libraries against the Graph simulator: @azure/identity (MSAL) for the token and the
 * Graph JS SDK for the calls, configured as a user would for a non-Microsoft host (`authorityHost`,
 * `disableInstanceDiscovery`, `baseUrl`, `customHosts`), trusting the simulator's certificate through
 * NODE_EXTRA_CA_CERTS. Run as a child process (the CA must be set at start); prints one JSON object of findings.
 * argv: <simUrl> <tenant (id or verified domain)> <clientId> <clientSecret>
 */
import { ClientSecretCredential } from '@azure/identity';
import { BatchRequestContent, BatchResponseContent, Client, GraphError, PageIterator } from '@microsoft/microsoft-graph-client';
import type { PageCollection } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';

const [url = '', tenant = '', clientId = '', clientSecret = ''] = process.argv.slice(2);
const SCOPE = 'https://graph.microsoft.com/.default';
const out: Record<string, unknown> = {};

const credential = (secret: string): ClientSecretCredential =>
  new ClientSecretCredential(tenant, clientId, secret, { authorityHost: url, disableInstanceDiscovery: true });

try {
  await credential('wrong-secret').getToken(SCOPE);
  out['wrongSecret'] = 'accepted';
} catch (e) {
  out['wrongSecret'] = /AADSTS7000215/.test((e as Error).message) ? 'AADSTS7000215' : (e as Error).message.slice(0, 200);
}

const cred = credential(clientSecret);
const client = Client.initWithMiddleware({
  authProvider: new TokenCredentialAuthenticationProvider(cred, { scopes: [SCOPE] }),
  baseUrl: `${url}/`, defaultVersion: 'v1.0', customHosts: new Set([new URL(url).hostname]),
});

const org = await client.api('/organization').get() as { value: { id: string; verifiedDomains: { name: string; isDefault: boolean }[] }[] };
out['tenantId'] = org.value[0]?.id;
const domain = org.value[0]?.verifiedDomains.find((d) => d.isDefault)?.name ?? '';

const ids: string[] = [];
for (let i = 0; i < 7; i += 1) {
  const u = await client.api('/users').post({
    accountEnabled: true, displayName: `SDK User ${i}`, mailNickname: `sdk${i}`, userPrincipalName: `sdk${i}@${domain}`,
    employeeId: `sdk-${i}`, passwordProfile: { password: 'Xy12!abcdefgh', forceChangePasswordNextSignIn: true },
  }) as { id: string };
  ids.push(u.id);
}

// Paging through https nextLinks with the SDK's PageIterator.
const seen: string[] = [];
const first = await client.api('/users').select(['id', 'userPrincipalName']).top(3).get() as PageCollection;
await new PageIterator(client, first, (u: { userPrincipalName: string }) => { seen.push(u.userPrincipalName); return true; }).iterate();
out['paged'] = seen.filter((s) => s.startsWith('sdk')).sort();

// Delta: the first round pages to a deltaLink; after one change, the deltaLink returns only that user.
let d = await client.api('/users/delta').select(['displayName', 'jobTitle']).get() as { value: unknown[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
let rounds = 1;
while (d['@odata.nextLink']) { d = await client.api(d['@odata.nextLink']).get() as typeof d; rounds += 1; }
const deltaLink = d['@odata.deltaLink'] ?? '';
await client.api(`/users/${ids[2]}`).patch({ jobTitle: 'Changed by the SDK' });
const changes = await client.api(deltaLink).get() as { value: { id: string; jobTitle?: string }[] };
out['deltaLink'] = deltaLink.startsWith('https://');
out['deltaChanges'] = changes.value.map((v) => [v.id === ids[2], v.jobTitle]);

// $batch through BatchRequestContent: a group, then two member $refs that depend on it.
const group = await client.api('/groups').post({ displayName: 'SDK Group', mailNickname: 'sdkgroup', mailEnabled: false, securityEnabled: true }) as { id: string };
const batch = new BatchRequestContent([0, 1].map((i) => ({
  id: String(i + 1),
  request: new Request(`${url}/v1.0/groups/${group.id}/members/$ref`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ '@odata.id': `${url}/v1.0/directoryObjects/${ids[i]}` }),
  }),
})));
const batchRes = new BatchResponseContent(await client.api('/$batch').post(await batch.getContent()) as { responses: [] });
out['batchStatuses'] = [...batchRes.getResponses().values()].map((r) => r.status).sort();
const members = await client.api(`/groups/${group.id}/members`).select('id').get() as { value: { id: string }[] };
out['members'] = members.value.map((m) => ids.indexOf(m.id)).sort();

// Group checks as scripts do them: transitiveMemberOf, checkMemberGroups, getMemberGroups.
const transitive = await client.api(`/users/${ids[0]}/transitiveMemberOf`).get() as { value: { id: string }[] };
const checked = await client.api(`/users/${ids[0]}/checkMemberGroups`).post({ groupIds: [group.id, '00000000-0000-0000-0000-000000000000'] }) as { value: string[] };
const memberGroups = await client.api(`/users/${ids[5]}/getMemberGroups`).post({ securityEnabledOnly: true }) as { value: string[] };
out['groupChecks'] = [transitive.value.map((g) => g.id === group.id), checked.value.map((g) => g === group.id), memberGroups.value.length];

// Manager reference, read back.
await client.api(`/users/${ids[1]}/manager/$ref`).put({ '@odata.id': `${url}/v1.0/users/${ids[0]}` });
const manager = await client.api(`/users/${ids[1]}/manager`).get() as { id: string };
out['manager'] = manager.id === ids[0];

// $search (ConsistencyLevel: eventual, no $count needed): word prefixes of the display name.
const found = await client.api('/users').header('ConsistencyLevel', 'eventual').search('"displayName:user 3"').select('userPrincipalName').get() as { value: { userPrincipalName: string }[] };
out['search'] = found.value.map((u) => u.userPrincipalName);

// Errors surface as GraphError with Graph's code.
try {
  await client.api('/me').get();
} catch (e) {
  out['me'] = e instanceof GraphError ? [e.statusCode, e.message] : String(e);
}
try {
  await client.api('/users/00000000-0000-0000-0000-000000000000').get();
} catch (e) {
  out['notFound'] = e instanceof GraphError ? [e.statusCode, e.code] : String(e);
}
try {
  await client.api('/users').post({ accountEnabled: true, displayName: 'Dup', mailNickname: 'dup', userPrincipalName: `sdk0@${domain}`, passwordProfile: { password: 'Xy12!abcdefgh' } });
} catch (e) {
  out['duplicate'] = e instanceof GraphError ? [e.statusCode, e.code] : String(e);
}
// Temporary Access Pass: the pass once in the create answer, null when read back; Graph's 400 for a lifetime outside
// the policy; delete.
type Tap = { id: string; temporaryAccessPass: string | null; isUsable: boolean; methodUsabilityReason: string; startDateTime: string };
const taps = `/users/${ids[3]}/authentication/temporaryAccessPassMethods`;
const tap = await client.api(taps).post({ startDateTime: new Date(Date.now() + 2 * 86_400_000).toISOString(), lifetimeInMinutes: 60, isUsableOnce: true }) as Tap;
const tapRead = await client.api(taps).get() as { value: Tap[] };
out['tap'] = [typeof tap.temporaryAccessPass === 'string' && tap.temporaryAccessPass.length === 8, tap.isUsable, tap.methodUsabilityReason, tapRead.value.map((t) => [t.id === tap.id, t.temporaryAccessPass])];
try {
  await client.api(taps).post({ lifetimeInMinutes: 5 });
} catch (e) {
  out['tapLifetime'] = e instanceof GraphError ? [e.statusCode, e.code, e.message] : String(e);
}
await client.api(`${taps}/${tap.id}`).delete();
out['tapDeleted'] = ((await client.api(taps).get()) as { value: Tap[] }).value.length;
process.stdout.write(`${JSON.stringify(out)}\n`);
