/** Small key/value settings. */
import type { RepoContext } from './context.js';
import type { Store } from './types.js';

/** Meta repository over a context. */
export function metaRepo(ctx: RepoContext): Store['meta'] {
  return {
    async get(key) {
      const row = await ctx.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value;
    },
    async set(key, value) {
      await ctx.db.insertInto('meta').values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
    },
    async claim(key, value) {
      const r = await ctx.db.insertInto('meta').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async remove(key) {
      await ctx.db.deleteFrom('meta').where('key', '=', key).execute();
    },
  };
}
