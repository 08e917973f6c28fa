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
  };
}
