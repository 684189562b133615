import {
  IntegrationClientsModule,
  IntegrationClientsService,
} from '../../src/modules/integration-clients/index.js';
import { createModuleTest, type ModuleTestContext } from '../support/module-test.js';

describe('integration clients (module)', () => {
  let t: ModuleTestContext;
  let clients: IntegrationClientsService;

  beforeAll(async () => {
    t = await createModuleTest({ imports: [IntegrationClientsModule] });
    clients = t.get(IntegrationClientsService);
  });
  afterAll(() => t?.close());

  it('authenticates a created key as its system until it is revoked, and never stores the key', async () => {
    const { client, key } = await clients.create('ehr', '  Epic feed  ');
    expect(client).toMatchObject({
      system: 'ehr',
      name: 'Epic feed',
      keyPrefix: key.slice(0, 12),
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(await clients.authenticate(key)).toEqual({ id: client.id, system: 'ehr' });
    expect(await clients.authenticate(`${key}x`)).toBeNull();
    expect(await clients.authenticate('dev-ehr-key')).toBeNull();
    const [row] = await t.dataSource.query(
      `SELECT row_to_json(c)::text AS json FROM integration_clients c WHERE id = $1`,
      [client.id],
    );
    expect(row.json).not.toContain(key);

    const revoked = await clients.revoke(client.id);
    expect(revoked?.revokedAt?.toISOString()).toBe(t.clock.now().toISOString());
    expect(await clients.authenticate(key)).toBeNull();
    expect(await clients.revoke('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('keeps several keys per system and lists them without keys', async () => {
    const a = await clients.create('portal', 'MyChildren');
    const b = await clients.create('portal', 'MyChildren (next)');
    expect(await clients.authenticate(a.key)).toMatchObject({ system: 'portal' });
    expect(await clients.authenticate(b.key)).toMatchObject({ system: 'portal' });
    const listed = await clients.list();
    expect(listed.map((c) => c.id)).toEqual(expect.arrayContaining([a.client.id, b.client.id]));
    expect(JSON.stringify(listed)).not.toContain(a.key);
  });

  it('refuses an unknown system or an empty name', async () => {
    await expect(clients.create('lab', 'x')).rejects.toThrow(/system must be one of ehr, portal/);
    await expect(clients.create('ehr', '   ')).rejects.toThrow(/name/);
  });
});
