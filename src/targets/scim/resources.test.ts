import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScimHttp } from './http.js';
import { resourceApi } from './resources.js';

test('a resource id is one path segment: "." and ".." are refused, not resolved to the collection or the base', async () => {
  const sent: string[] = [];
  const http: ScimHttp = { async request(method, path) { sent.push(`${method} ${path}`); return { status: 404, body: undefined }; } };
  const api = resourceApi(http, '/Users', async () => ({ patch: true, filter: true, etag: false, bulk: false }), { pageSize: 10, usePut: false });
  for (const id of ['..', '.']) {
    await assert.rejects(api.get(id), (e: Error & { code?: string }) => e.code === 'SCIM_INVALID_ID', id);
    await assert.rejects(api.remove(id), (e: Error & { code?: string }) => e.code === 'SCIM_INVALID_ID', id);
  }
  assert.deepEqual(sent, [], 'nothing was sent');
  assert.equal(await api.get('a/../b'), undefined);
  assert.deepEqual(sent, ['GET /Users/a%2F..%2Fb']);
});
