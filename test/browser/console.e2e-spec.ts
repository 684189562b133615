import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generate } from 'otplib';
import { createTestApp, type TestContext } from '../support/test-app.js';
import { linkToken } from '../support/smtp-sink.js';
import { createPractice, createUser, makeNpi, TEST_PASSWORD, tokenFor } from '../factories/index.js';
import {
  axe,
  describeInBrowser,
  ensureWebBuilt,
  launchBrowser,
  listen,
  screenshot,
  type AxeFinding,
} from './support.js';

/**
 * The team console (issue 20) in Chromium against the real server, database and SMTP sink — the
 * team's day: approve a registration → the provider requests PCP access in the portal → staff
 * claim it, record the family's confirmation, complete it with a chosen physician → the provider
 * now sees the record; the Patients page (look-up by MRN, access log, revoking a grant,
 * disclosures); then the other console pages (axe on each, screenshots console-*.png) and
 * the role limits (a `team`-only staff member sees no Privacy page and the API refuses them).
 */
const EHR = { 'X-Api-Key': 'test-ehr-key-0123456789' };

describeInBrowser('team console in Chromium', () => {
  let t: TestContext;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let staff: Page;
  let provider: Page;
  const findings: AxeFinding[] = [];
  const consoleErrors: string[] = [];
  // Fixed data (the test has its own database), so the screenshots change only when the pages do.
  const providerNpi = makeNpi('168249517');
  const rosterNpi = makeNpi('159341038');
  const providerEmail = 'morgan.ellis@example.test';
  const staffEmail = 'casey.team@mypatients.test';
  const teamOnlyEmail = 'jordan.team@mypatients.test';
  const mrn = 'MRN0811204';
  let teamOnlyToken: string;
  let providerSecret = '';

  const check = async (page: Page, state: string) => {
    // A dialog fades in: axe would measure the contrast of half-transparent text.
    if (await page.getByRole('dialog').count()) await page.waitForTimeout(500);
    findings.push(...(await axe(page, state)));
  };
  const totp = (secret: string) =>
    generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000), period: 30, digits: 6 });

  async function newPage(): Promise<Page> {
    // Hospital time in the browser too, so typed times mean what the team means.
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      baseURL: base,
      timezoneId: 'America/New_York',
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    return page;
  }

  /** First sign-in: password, then TOTP enrolment with the key shown. Returns the secret. */
  async function signIn(page: Page, email: string, password = TEST_PASSWORD): Promise<string> {
    await page.goto('/sign-in');
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
    await page.getByRole('button', { name: 'Continue' }).click();
    const secret = (await page.getByTestId('totp-key').innerText()).replace(/\s/g, '');
    await page.getByRole('textbox', { name: /6-digit code/ }).fill(await totp(secret));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).first().waitFor();
    t.clock.advance(30_000);
    return secret;
  }

  async function choose(page: Page, label: string, option: string | RegExp): Promise<void> {
    await page
      .getByRole('textbox', { name: label })
      .or(page.getByRole('combobox', { name: label }))
      .first()
      .click();
    await page.getByRole('option', { name: option }).click();
  }

  const nav = (page: Page, label: string) =>
    // The navbar is a <nav> holding the <nav> of links (Layout.tsx).
    page.getByRole('navigation', { name: 'Main' }).last().getByRole('link', { name: label, exact: true });

  beforeAll(async () => {
    await ensureWebBuilt();
    t = await createTestApp();
    base = await listen(t.app.getHttpServer());
    const practice = await createPractice(t.dataSource, { name: 'Maple Grove Pediatrics', city: 'Newton' });
    await createUser(t.app, 'provider', {
      email: providerEmail,
      firstName: 'Morgan',
      lastName: 'Ellis',
      npi: providerNpi,
      practiceId: practice.id,
      status: 'pending_approval',
    });
    await createUser(t.app, 'staff', {
      email: staffEmail,
      firstName: 'Casey',
      lastName: 'Team',
      roles: ['team', 'privacy', 'admin'],
    });
    const teamOnly = await createUser(t.app, 'staff', {
      email: teamOnlyEmail,
      firstName: 'Jordan',
      lastName: 'Team',
      roles: ['team'],
    });
    teamOnlyToken = await tokenFor(t.app, teamOnly);
    const admin = await createUser(t.app, 'staff', { roles: ['team', 'admin'] });
    // A physician of the practice without a portal account: the family's confirmed PCP.
    const roster = await t
      .http()
      .post(`/api/v1/staff/practices/${practice.id}/roster`)
      .set('Authorization', `Bearer ${await tokenFor(t.app, admin)}`)
      .send({ npi: rosterNpi });
    expect(roster.status).toBe(201);
    const patient = await t
      .http()
      .put(`/api/v1/integration/ehr/patients/${mrn}`)
      .set(EHR)
      .send({
        firstName: 'Rowan',
        lastName: 'Abernathy',
        dob: '2016-05-09',
        pcpNpi: makeNpi('188667987'),
        hasPortalAccount: true,
        careTeamNpis: [],
      });
    expect([200, 201]).toContain(patient.status);
    browser = await launchBrowser();
    staff = await newPage();
    provider = await newPage();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
  });

  it('lands on Today after sign-in, and approves a registration from its queue', async () => {
    await signIn(staff, staffEmail);
    await staff.getByRole('heading', { name: 'Today', exact: true }).waitFor();
    await staff.getByRole('link', { name: /^1\s*Registrations awaiting approval$/ }).click();
    await staff.getByRole('heading', { name: 'Registrations', exact: true }).waitFor();
    await staff.getByRole('cell', { name: providerEmail }).waitFor();
    await check(staff, 'console: registrations');
    await screenshot(staff, 'console-registrations');
    await staff.getByRole('button', { name: 'Approve Morgan Ellis' }).click();
    await staff.getByText('No registration is waiting.').waitFor();
    const [row] = await t.dataSource.query('SELECT status FROM users WHERE email = $1', [providerEmail]);
    expect(row.status).toBe('active');
    // The status filter: the approved registration is listed under Approved.
    await choose(staff, 'Status', 'Approved (active)');
    await staff.getByRole('cell', { name: providerEmail }).waitFor();
    expect(await staff.getByRole('button', { name: 'Approve Morgan Ellis' }).count()).toBe(0);
    await check(staff, 'console: registrations by status');
  });

  it('shows the counts that need someone on Today, each linking to its queue', async () => {
    await nav(staff, 'Today').click();
    await staff.getByRole('heading', { name: 'Today' }).waitFor();
    await staff.getByRole('link', { name: /^0\s*Registrations awaiting approval$/ }).waitFor();
    await staff.getByRole('link', { name: /PCP updates open$/ }).waitFor();
    await staff.getByRole('link', { name: /Unresolved privacy alerts$/ }).waitFor();
    await check(staff, 'console: today');
    await screenshot(staff, 'console-today');
  });

  it('the approved provider requests PCP access in the portal', async () => {
    providerSecret = await signIn(provider, providerEmail);
    await provider.getByRole('heading', { name: 'Patient Selection' }).waitFor();
    await provider.getByRole('textbox', { name: 'MRN', exact: true }).fill(mrn);
    await provider.getByRole('button', { name: 'Search' }).click();
    await provider.getByText('you are not authorized to see their record').waitFor();
    await provider.getByRole('button', { name: 'Request PCP access' }).click();
    await provider.getByRole('dialog').getByRole('button', { name: 'Send request' }).click();
    await provider.getByText('Your PCP access request is pending.').waitFor();
    expect(providerSecret).not.toBe('');
  });

  it('claims the request, records the confirmation and completes it with the chosen physician', async () => {
    t.clock.advance(10 * 60_000);
    await nav(staff, 'PCP updates').click();
    await staff.getByRole('heading', { name: 'PCP updates' }).waitFor();
    await staff.getByRole('link', { name: 'Abernathy, Rowan' }).waitFor();
    await check(staff, 'console: pcp updates');
    await screenshot(staff, 'console-pcp-updates');
    await staff.getByRole('link', { name: 'Abernathy, Rowan' }).click();
    await staff.getByRole('heading', { name: 'PCP update: Abernathy, Rowan' }).waitFor();
    await staff.getByRole('button', { name: 'Claim' }).click();
    await staff.getByRole('button', { name: 'Release' }).waitFor();

    await staff.getByRole('textbox', { name: 'Confirmed by (name)' }).fill('Alex Abernathy');
    await choose(staff, 'Relationship to the patient', 'Mother');
    await choose(staff, 'How', 'Phone');
    // Five minutes before the server's now, typed in hospital time (the browser's zone).
    const at = new Date(t.clock.now().getTime() - 5 * 60_000);
    const local = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'America/New_York',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .format(at)
      .replace(' ', 'T');
    await staff.getByLabel('When (your local time)').fill(local);
    await staff.getByRole('button', { name: 'Record the confirmation' }).click();
    await staff.getByText(/Recorded .*Alex Abernathy \(Mother\), by Phone/).waitFor();

    await choose(staff, 'Physician the family confirmed', `Roster: NPI ${rosterNpi}`);
    await check(staff, 'console: pcp update in progress');
    await screenshot(staff, 'console-pcp-update');
    await staff.getByRole('button', { name: 'Complete', exact: true }).click();
    const dialog = staff.getByRole('dialog', { name: 'Complete the PCP update' });
    await dialog.getByText(`PCP becomes Roster: NPI ${rosterNpi}`, { exact: false }).waitFor();
    await check(staff, 'console: complete confirmation');
    await dialog.getByRole('button', { name: 'Complete the update' }).click();
    await staff.getByText('Completed', { exact: true }).first().waitFor();
    await staff.getByRole('cell', { name: 'Completed' }).waitFor();
    const [patient] = await t.dataSource.query('SELECT pcp_npi FROM patients WHERE mrn = $1', [mrn]);
    expect(patient.pcp_npi).toBe(rosterNpi);
  });

  it('the provider now sees the record', async () => {
    await provider.getByRole('link', { name: 'Patient Selection' }).click();
    // By name and date of birth: a new search (the MRN one is still cached as not authorized).
    await provider.getByRole('radio', { name: 'Name and date of birth' }).check();
    await provider.getByRole('textbox', { name: 'Last name', exact: true }).fill('Abernathy');
    await provider.getByRole('textbox', { name: 'First name', exact: true }).fill('Rowan');
    await provider.getByRole('textbox', { name: 'Date of birth', exact: true }).fill('2016-05-09');
    await provider.getByRole('button', { name: 'Search' }).click();
    await provider.getByRole('link', { name: 'Open record of Rowan Abernathy' }).click();
    await provider.getByRole('heading', { name: 'Abernathy, Rowan' }).waitFor();
  });

  it('looks up the patient by MRN: the access log shows the provider, a grant is revoked after confirmation, disclosures are listed', async () => {
    // A personal grant to revoke: a second provider validates an invitation token for the patient.
    const quinnEmail = 'quinn.harper@example.test';
    const harbor = await createPractice(t.dataSource, { name: 'Harbor Family Clinic', city: 'Quincy' });
    const quinn = await createUser(t.app, 'provider', {
      email: quinnEmail,
      firstName: 'Quinn',
      lastName: 'Harper',
      npi: makeNpi('174325698'),
      practiceId: harbor.id,
    });
    const quinnAuth = `Bearer ${await tokenFor(t.app, quinn)}`;
    const invited = await t
      .http()
      .post('/api/v1/staff/invitations')
      .set('Authorization', `Bearer ${teamOnlyToken}`)
      .send({ mrn, recipientEmail: quinnEmail });
    expect(invited.status).toBe(201);
    const mail = await t.smtp.waitFor((m) => m.to.includes(quinnEmail));
    const token = /Token: (\S+)/.exec(mail.text)?.[1];
    const validated = await t
      .http()
      .post('/api/v1/tokens/validate')
      .set('Authorization', quinnAuth)
      .send({ token, mrn });
    expect(validated.status).toBe(200);
    const patientId = validated.body.patientId as string;
    expect((await t.http().get(`/api/v1/patients/${patientId}`).set('Authorization', quinnAuth)).status).toBe(
      200,
    );

    await nav(staff, 'Patients').click();
    await staff.getByRole('heading', { name: 'Patients', exact: true }).waitFor();
    await staff.getByRole('textbox', { name: 'Patient MRN' }).fill(mrn);
    await staff.getByRole('button', { name: 'Look up' }).click();
    await staff.getByRole('heading', { name: 'Abernathy, Rowan' }).waitFor();
    const log = staff.getByRole('table', { name: 'Access log' });
    await log
      .getByRole('row')
      .filter({ hasText: `Morgan Ellis (provider, NPI ${providerNpi}, Maple Grove Pediatrics)` })
      .filter({ hasText: 'patient.view' })
      .first()
      .waitFor();
    await check(staff, 'console: patients access log');
    await screenshot(staff, 'console-patients');

    await staff.getByRole('tab', { name: 'Personal grants' }).click();
    await staff.getByRole('table', { name: 'Personal grants' }).getByText('Quinn Harper').waitFor();
    await staff.getByRole('button', { name: 'Revoke the grant of Quinn Harper' }).click();
    const dialog = staff.getByRole('dialog', { name: 'Revoke the personal grant' });
    await dialog
      .getByText("Quinn Harper can no longer open Rowan Abernathy's record", { exact: false })
      .waitFor();
    await check(staff, 'console: revoke grant confirmation');
    await dialog.getByRole('button', { name: 'Revoke the grant' }).click();
    await staff.getByText('The grant was revoked.').waitFor();
    await staff
      .getByRole('table', { name: 'Personal grants' })
      .getByText('Revoked', { exact: true })
      .waitFor();
    expect((await t.http().get(`/api/v1/patients/${patientId}`).set('Authorization', quinnAuth)).status).toBe(
      403,
    );

    // The privacy role: the accounting of disclosures (outside users' views, not staff reads).
    await staff.getByRole('tab', { name: 'Accounting of disclosures' }).click();
    const disclosures = staff.getByRole('table', { name: 'Accounting of disclosures' });
    await disclosures.getByRole('row').filter({ hasText: 'Morgan Ellis' }).first().waitFor();
    await disclosures.getByRole('row').filter({ hasText: 'Quinn Harper' }).first().waitFor();
    await check(staff, 'console: patients disclosures');
  });

  it('finds the provider by NPI and opens their page', async () => {
    await nav(staff, 'Users').click();
    await staff.getByRole('textbox', { name: 'Email, name or NPI' }).fill(providerNpi);
    await staff.getByRole('button', { name: 'Search' }).click();
    await staff.getByRole('link', { name: 'Morgan Ellis' }).waitFor();
    await check(staff, 'console: users');
    await screenshot(staff, 'console-users');
    await staff.getByRole('link', { name: 'Morgan Ellis' }).click();
    await staff.getByRole('heading', { name: 'Morgan Ellis' }).waitFor();
    await staff.getByText('MFA:', { exact: false }).waitFor();
    // Recent activity: shown to this staff member because they have the privacy role.
    await staff.getByRole('table', { name: 'Recent activity' }).getByText('patient.view').first().waitFor();
    await check(staff, 'console: user page');
    await screenshot(staff, 'console-user');
    await staff.getByRole('button', { name: 'Reset MFA' }).click();
    const dialog = staff.getByRole('dialog', { name: /Reset Morgan Ellis/ });
    await dialog.getByText('enroll TOTP again', { exact: false }).waitFor();
    await check(staff, 'console: reset MFA confirmation');
    await dialog.getByRole('button', { name: 'Reset MFA' }).click();
    await staff.getByText('MFA reset:', { exact: false }).waitFor();
  });

  it('after the MFA reset, the provider sets a new password and enrolls TOTP again', async () => {
    const mail = await t.smtp.waitFor(
      (m) => m.to.includes(providerEmail) && /reset-password\?token=/.test(m.text),
    );
    await provider.goto(`/reset-password?token=${linkToken(mail, 'reset-password')}`);
    const password = 'harbor lantern quartz meadow 61';
    await provider.getByRole('textbox', { name: 'New password', exact: true }).fill(password);
    await provider.getByRole('textbox', { name: 'Repeat the new password', exact: true }).fill(password);
    await provider.getByRole('button', { name: 'Save the new password' }).click();
    await provider.getByText('Password changed').waitFor();
    const secret = await signIn(provider, providerEmail, password);
    expect(secret).not.toBe(providerSecret);
  });

  it('sends an invitation and lists it', async () => {
    await nav(staff, 'Invitations').click();
    await staff.getByRole('textbox', { name: 'Patient MRN' }).fill(mrn);
    await staff.getByRole('textbox', { name: "Provider's email" }).fill('outside.doctor@example.test');
    await staff.getByRole('button', { name: 'Send the invitation' }).click();
    await staff.getByRole('cell', { name: 'outside.doctor@example.test', exact: true }).waitFor();
    await check(staff, 'console: invitations');
    await screenshot(staff, 'console-invitations');
  });

  it('answers a signed-out help request by email and closes it', async () => {
    const asked = await t.http().post('/api/v1/support-requests').send({
      email: 'locked.out@example.test',
      name: 'Sam Locke',
      description: 'I cannot sign in since I changed phones.',
    });
    expect(asked.status).toBe(201);
    await nav(staff, 'Help desk').click();
    await staff.getByRole('heading', { name: 'Sam Locke · locked.out@example.test' }).waitFor();
    await staff.getByRole('button', { name: 'Open the request from Sam Locke' }).click();
    await staff
      .getByRole('textbox', { name: /^Reply/ })
      .fill('We reset your authenticator: check your email for the link.');
    await staff.getByRole('checkbox', { name: 'Close the request with this reply' }).check();
    await check(staff, 'console: help desk reply');
    await staff.getByRole('button', { name: 'Send the reply' }).click();
    await staff.getByText('No help request in this status.').waitFor();
    const mail = await t.smtp.waitFor((m) => m.to.includes('locked.out@example.test'));
    expect(mail.text).toContain('We reset your authenticator');
  });

  it('reaches the help desk, practice changes, validations and email-and-jobs pages', async () => {
    for (const [link, heading, shot] of [
      ['Help desk', 'Help desk', 'console-help-desk'],
      ['Practice changes', 'Practice changes', 'console-practice-changes'],
      ['Validations', 'Sponsor validations', 'console-validations'],
      ['Email and jobs', 'Email and jobs', 'console-email-jobs'],
    ]) {
      await nav(staff, link).click();
      await staff.getByRole('heading', { name: heading, exact: true }).waitFor();
      await staff
        .getByRole('status')
        .or(staff.getByRole('table'))
        .or(staff.getByText(/^No /))
        .first()
        .waitFor();
      await staff.getByLabel(/^Loading/).waitFor({ state: 'detached' });
      await check(staff, `console: ${link}`);
      await screenshot(staff, shot);
    }
    // Run a job for the server's today, after the confirmation step.
    await choose(staff, 'Job', 'pcp-update-overdue');
    await staff.getByLabel('For the date').fill(t.clock.now().toISOString().slice(0, 10));
    await staff.getByRole('button', { name: 'Run', exact: true }).click();
    const dialog = staff.getByRole('dialog', { name: 'Run the job now' });
    await dialog.getByText('runs now for', { exact: false }).waitFor();
    await check(staff, 'console: run job confirmation');
    await dialog.getByRole('button', { name: 'Run the job' }).click();
    await staff.getByText(/pcp-update-overdue ran for .*: \d+ affected\./).waitFor();
  });

  it('searches the audit trail as the privacy officer', async () => {
    await nav(staff, 'Privacy').click();
    await staff.getByRole('heading', { name: 'Privacy' }).waitFor();
    await staff.getByLabel('From (hospital date)').fill('2026-11-01');
    await staff.getByLabel('To (hospital date)').fill('2026-11-30');
    await staff.getByRole('button', { name: 'Search' }).click();
    await staff
      .getByRole('table', { name: 'Audit events' })
      .or(staff.getByText('No audit event matches.'))
      .first()
      .waitFor();
    await check(staff, 'console: privacy audit search');
    await screenshot(staff, 'console-privacy');
    const [download] = await Promise.all([
      staff.waitForEvent('download'),
      staff.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('audit-2026-11-01-2026-11-30.csv');
    await staff.getByRole('tab', { name: 'Alerts' }).click();
    await staff
      .getByRole('table', { name: 'Privacy alerts' })
      .or(staff.getByText('No alert in this status.'))
      .first()
      .waitFor();
    await check(staff, 'console: privacy alerts');
  });

  it('shows a team-only staff member no Privacy page, and the API refuses them', async () => {
    const page = await newPage();
    await signIn(page, teamOnlyEmail);
    await page.getByRole('heading', { name: 'Today', exact: true }).waitFor();
    await nav(page, 'PCP updates').waitFor();
    expect(await nav(page, 'Privacy').count()).toBe(0);
    await page.goto('/staff/privacy');
    await page.getByText('Your staff roles do not include this page.').waitFor();
    await page.goto('/staff');
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    expect(await page.getByRole('link', { name: /Unresolved privacy alerts/ }).count()).toBe(0);
    await page.getByRole('link', { name: /PCP updates open$/ }).waitFor();
    // Patients: the look-up and access log, but no accounting of disclosures (privacy role).
    await nav(page, 'Patients').click();
    await page.getByRole('textbox', { name: 'Patient MRN' }).fill(mrn);
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByRole('heading', { name: 'Abernathy, Rowan' }).waitFor();
    await page.getByRole('tab', { name: 'Personal grants' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Accounting of disclosures' }).count()).toBe(0);
    const [patient] = await t.dataSource.query('SELECT id FROM patients WHERE mrn = $1', [mrn]);
    for (const path of [
      '/api/v1/staff/audit-events',
      '/api/v1/staff/alerts',
      `/api/v1/staff/patients/${patient.id}/disclosures`,
    ]) {
      const res = await t.http().get(path).set('Authorization', `Bearer ${teamOnlyToken}`);
      expect(res.status).toBe(403);
    }
  });

  it('has no serious or critical accessibility violation on any console page it reached', () => {
    expect(findings).toEqual([]);
  });

  it('logged no script error in the browser console', () => {
    expect(consoleErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
