import { createTestApp, type TestContext } from './support/test-app.js';
import { createUser, tokenFor } from './factories/index.js';

describe('test harness', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('keeps the first instance authenticating after a second instance is closed', async () => {
    const user = await createUser(t.app, 'provider');
    const token = await tokenFor(t.app, user);
    const other = await t.startAnotherInstance();
    expect((await other.http().get('/api/v1/me').set('authorization', `Bearer ${token}`)).status).toBe(200);
    await other.close();
    expect((await t.http().get('/api/v1/me').set('authorization', `Bearer ${token}`)).status).toBe(200);
  });
});
