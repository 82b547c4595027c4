/**
 * A team's own spec for the stand-in service (smoke/testing/broken-site.ts), written the way a
 * user writes one: it imports `shipcheck/test` and checks what the generic suites cannot say
 * from a config — here, that an item written through the API can be read back.
 */
import { expect, test } from 'shipcheck/test';

test('@smoke an item created through the API can be read back', async ({ request, target, authHeaders }) => {
  const created = await request.post(`${target.baseUrl}/api/items`, { headers: authHeaders, data: { name: 'written by the own spec' } });
  expect(created.status(), 'POST /api/items must create the item').toBe(201);
  const { id } = await created.json();
  const read = await request.get(`${target.baseUrl}/api/items/${id}`, { headers: authHeaders });
  expect(read.status(), `GET /api/items/${id} must find the item just created (writes must be kept)`).toBe(200);
  expect(await read.json()).toEqual({ id, name: 'written by the own spec' });
});
