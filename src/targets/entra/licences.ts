/** Licence seats (`GET /subscribedSkus`): purchased and consumed per SKU, named by the target's `options.licences`. */
import type { LicenceCount } from '../contract.js';
import { mapGraphError } from './errors.js';
import type { EntraSession } from './session.js';

interface SubscribedSku {
  readonly skuId: string;
  readonly skuPartNumber: string;
  readonly consumedUnits?: number;
  readonly prepaidUnits?: { readonly enabled?: number };
}

/** Every subscribed SKU with its seats; `name` is the entitlement mapped to it by skuId or part number. */
export async function licenceCounts(s: EntraSession): Promise<LicenceCount[]> {
  const res = await s.call('GET', '/subscribedSkus?$select=skuId,skuPartNumber,consumedUnits,prepaidUnits');
  if (res.status !== 200) throw mapGraphError(res, 'reading subscribed SKUs');
  const skus = (res.body as { value?: SubscribedSku[] }).value ?? [];
  const names = Object.entries(s.opts.licences);
  return skus.map((sku) => {
    const name = names.find(([, ref]) => ref.toLowerCase() === sku.skuId.toLowerCase() || ref.toLowerCase() === sku.skuPartNumber.toLowerCase())?.[0];
    return {
      ...(name !== undefined ? { name } : {}),
      skuId: sku.skuId,
      skuPartNumber: sku.skuPartNumber,
      purchased: sku.prepaidUnits?.enabled ?? 0,
      consumed: sku.consumedUnits ?? 0,
    };
  });
}
