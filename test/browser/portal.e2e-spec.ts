import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generate } from 'otplib';
import { createTestApp, type TestContext } from '../support/test-app.js';
import { linkToken } from '../support/smtp-sink.js';
import { createPractice, createUser, makeNpi, TEST_PASSWORD, tokenFor } from '../factories/index.js';
import {
  axe,
  describeInBrowser,
  ensureWebBuilt,
  horizontalOverflow,
  launchBrowser,
  listen,
  resize,
  screenshot,
  tabTo,
  type AxeFinding,
} from './support.js';

/**
 * The portal's main path in a real browser against the real server, database and SMTP sink:
 * register → verify (link from the email) → staff approval (API) → sign in with TOTP enrolment →
 * search (granted, not authorized, no portal account) → record tabs → request PCP access →
 * validate a token → sponsor adds a staff member → that person activates from the email.
 * axe-core runs on every state reached; screenshots go to docs/screenshots/.
 */
const EHR = { 'X-Api-Key': 'test-ehr-key-0123456789' };
const PASSWORD = 'velvet tractor nebula pickle 93';

describeInBrowser('web portal in Chromium', () => {
  let t: TestContext;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const findings: AxeFinding[] = [];
  const consoleErrors: string[] = [];
  const npi = '1234567893';
  // Fixed data (the test has its own database), so the screenshots change only when the pages do.
  const email = 'dana.reyes@example.test';
  let practiceName: string;
  let staffToken: string;
  const staffEmailAddress = 'team.member@mypatients.test';
  let totpSecret = '';
  const mrn = { granted: 'MRN0482913', portal: 'MRN0577102', noPortal: 'MRN0613388', token: 'MRN0700451' };

  const check = async (state: string) => findings.push(...(await axe(page, state)));
  const code = () =>
    generate({
      secret: totpSecret,
      epoch: Math.floor(t.clock.now().getTime() / 1000),
      period: 30,
      digits: 6,
    });
  const ehrPatient = async (m: string, body: Record<string, unknown>) => {
    const res = await t.http().put(`/api/v1/integration/ehr/patients/${m}`).set(EHR).send(body);
    expect([200, 201]).toContain(res.status);
  };

  beforeAll(async () => {
    await ensureWebBuilt();
    t = await createTestApp();
    base = await listen(t.app.getHttpServer());
    practiceName = 'Harbor Pediatrics';
    await createPractice(t.dataSource, { name: practiceName, city: 'Newton' });
    const staff = await createUser(t.app, 'staff', { email: staffEmailAddress });
    staffToken = await tokenFor(t.app, staff);

    await ehrPatient(mrn.granted, {
      firstName: 'Avery',
      lastName: 'Quinlan',
      dob: '2015-03-04',
      pcpNpi: npi,
      hasPortalAccount: true,
      careTeamNpis: [],
    });
    await ehrPatient(mrn.portal, {
      firstName: 'Blake',
      lastName: 'Okafor',
      dob: '2012-07-19',
      pcpNpi: makeNpi(),
      hasPortalAccount: true,
      careTeamNpis: [],
    });
    await ehrPatient(mrn.noPortal, {
      firstName: 'Casey',
      lastName: 'Lindqvist',
      dob: '2018-11-02',
      pcpNpi: makeNpi(),
      hasPortalAccount: false,
      careTeamNpis: [],
    });
    await ehrPatient(mrn.token, {
      firstName: 'Devon',
      lastName: 'Marsh',
      dob: '2010-01-15',
      pcpNpi: makeNpi(),
      hasPortalAccount: false,
      careTeamNpis: [],
    });
    const encounters = Array.from({ length: 23 }, (_, i) => ({
      externalId: `enc-${i}`,
      category: 'encounter',
      occurredAt: new Date(Date.UTC(2026, 9, 1 + i, 14)).toISOString(),
      title: `Clinic visit ${i + 1}`,
      body: `Well-child visit ${i + 1}. Growth on curve. Vaccines up to date.`,
    }));
    const docs = await t
      .http()
      .post(`/api/v1/integration/ehr/patients/${mrn.granted}/documents`)
      .set(EHR)
      .send({
        documents: [
          ...encounters,
          {
            externalId: 'res-1',
            category: 'result',
            occurredAt: '2026-10-20T13:00:00Z',
            title: 'CBC with differential',
            body: 'WBC 7.1 x10^9/L\nHemoglobin 12.8 g/dL',
          },
          {
            externalId: 'med-1',
            category: 'medication',
            occurredAt: '2026-10-20T13:00:00Z',
            title: 'Amoxicillin 400 mg/5 mL',
            body: '5 mL by mouth twice daily for 10 days',
          },
        ],
      });
    expect(docs.status).toBe(200);
    // Structured bodies and restricted documents are v1.1: fed when the server takes them.
    await t
      .http()
      .post(`/api/v1/integration/ehr/patients/${mrn.granted}/documents`)
      .set(EHR)
      .send({
        documents: [
          {
            externalId: 'res-2',
            category: 'result',
            occurredAt: '2026-10-21T13:00:00Z',
            title: 'Basic metabolic panel',
            body: {
              specimen: 'Serum',
              components: [
                { name: 'Sodium', value: 139, unit: 'mmol/L', range: '135–145' },
                { name: 'Potassium', value: 4.2, unit: 'mmol/L', range: '3.5–5.1' },
              ],
            },
          },
          {
            externalId: 'note-r',
            category: 'note',
            occurredAt: '2026-10-22T13:00:00Z',
            title: 'Confidential note',
            body: 'restricted',
            confidentiality: 'R',
          },
        ],
      });

    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: base });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('registers a provider: NPI checked as typed, practice from the typeahead', async () => {
    await page.goto('/register');
    await page.getByRole('textbox', { name: 'First name', exact: true }).fill('Dana');
    await page.getByRole('textbox', { name: 'Last name', exact: true }).fill('Reyes');
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
    const npiInput = page.getByRole('textbox', { name: 'NPI', exact: true });
    await npiInput.fill('1234567890');
    await expect(page.getByText('check digit does not match', { exact: false }).isVisible()).resolves.toBe(
      true,
    );
    await npiInput.fill(npi);
    await expect(page.getByText('check digit does not match', { exact: false }).count()).resolves.toBe(0);
    await page.getByRole('combobox', { name: 'Practice' }).fill(practiceName.slice(0, 12));
    await page.getByRole('option', { name: new RegExp(practiceName) }).click();
    await check('register (filled)');
    await screenshot(page, 'register');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await check('register (sent)');
  });

  it('verifies the email from the link in the email', async () => {
    const mail = await t.smtp.waitFor((m) => m.to.includes(email) && /verify-email\?token=/.test(m.text));
    await page.goto(`/verify-email?token=${linkToken(mail, 'verify-email')}`);
    await page.getByText('Email confirmed').waitFor();
    expect(page.url()).not.toContain('token=');
    await check('verify-email');
  });

  it('lets the team approve the registration from Today, where staff land', async () => {
    // A second browser context: the staff member's own session (their first sign-in enrols TOTP).
    const staffContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: base });
    const staffPage = await staffContext.newPage();
    staffPage.setDefaultTimeout(20_000);
    try {
      await staffPage.goto('/sign-in');
      await staffPage.getByRole('textbox', { name: 'Email', exact: true }).fill(staffEmailAddress);
      await staffPage.getByRole('textbox', { name: 'Password', exact: true }).fill(TEST_PASSWORD);
      await staffPage.getByRole('button', { name: 'Continue' }).click();
      const key = (await staffPage.getByTestId('totp-key').innerText()).replace(/\s/g, '');
      await staffPage.getByRole('textbox', { name: /6-digit code/ }).fill(
        await generate({
          secret: key,
          epoch: Math.floor(t.clock.now().getTime() / 1000),
          period: 30,
          digits: 6,
        }),
      );
      await staffPage.getByRole('button', { name: 'Sign in' }).click();
      // Staff land on the console's Today page; its count opens the registration queue.
      await staffPage
        .getByRole('heading', { name: 'Today' })
        .waitFor()
        .catch(async (error: Error) => {
          throw new Error(
            `${error.message}\npage: ${staffPage.url()}\n${await staffPage.locator('body').innerText()}`,
          );
        });
      await staffPage.getByRole('link', { name: /Registrations awaiting approval$/ }).click();
      await staffPage.getByRole('heading', { name: 'Registrations', exact: true }).waitFor();
      await staffPage.getByRole('cell', { name: email }).waitFor();
      findings.push(...(await axe(staffPage, 'staff: registrations')));
      await screenshot(staffPage, 'staff-registrations');
      await staffPage.getByRole('button', { name: 'Approve Dana Reyes' }).click();
      await staffPage.getByText('No registration is waiting.').waitFor();
    } finally {
      await staffContext.close();
    }
    const [user] = await t.dataSource.query('SELECT status FROM users WHERE email = $1', [email]);
    expect(user.status).toBe('active');
  });

  it('signs in with TOTP enrolment, the QR code and the key shown', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to MyPatients' }).waitFor();
    await check('sign-in');
    await screenshot(page, 'sign-in');
    // Keyboard only: type into the focused fields, Enter submits.
    await page.getByRole('textbox', { name: 'Email', exact: true }).focus();
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Set up your authenticator' }).waitFor();
    await expect(page.getByRole('img', { name: /QR code/ }).isVisible()).resolves.toBe(true);
    totpSecret = (await page.getByTestId('totp-key').innerText()).replace(/\s/g, '');
    expect(totpSecret).toMatch(/^[A-Z2-7]{16,}$/);
    await check('totp enrolment');
    await screenshot(page, 'totp-enrolment');
    await page.keyboard.type(await code());
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Patient Selection' }).waitFor();
    t.clock.advance(30_000);
    expect(await page.title()).toBe('Patient Selection · MyPatients');
    await check('patient selection (empty)');
  });

  it('finds a granted patient by MRN and opens the record, keyboard only', async () => {
    await page.getByRole('textbox', { name: 'MRN', exact: true }).focus();
    await page.keyboard.type(mrn.granted);
    await page.keyboard.press('Enter');
    await page.getByText('Quinlan, Avery').waitFor();
    await check('search: granted');
    await screenshot(page, 'patient-selection-granted');
    await tabTo(page, /Open record|Open the record/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Quinlan, Avery' }).waitFor();
    const { pathname } = new URL(page.url());
    expect(pathname).toMatch(/^\/patients\/[0-9a-f-]{36}$/);
    expect(pathname).not.toContain(mrn.granted);
    expect(await page.title()).toBe('Patient record · MyPatients');
    const storage = await page.evaluate(
      'JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie',
    );
    expect(storage).toBe('{}{}');
  });

  it('shows the record: a tab per section, paging, structured bodies as tables', async () => {
    await page.getByText('Clinic visit 23', { exact: true }).waitFor();
    await check('record: encounters');
    await screenshot(page, 'record');
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Page 2').waitFor();
    await page.getByText('Clinic visit 1', { exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Results' }).click();
    await page.getByText('CBC with differential').waitFor();
    const structured = await page.getByText('Basic metabolic panel').count();
    if (structured) {
      await expect(page.getByRole('columnheader', { name: 'Unit' }).count()).resolves.toBeGreaterThan(0);
    }
    await check('record: results');
    await screenshot(page, 'record-results');
    for (const tab of ['Appointments', 'Notes and reports', 'Medications', 'Allergies', 'Problems']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.getByRole('tabpanel').first().waitFor();
    }
    await page.getByRole('tab', { name: 'Medications' }).click();
    await page.getByText('Amoxicillin 400 mg/5 mL').waitFor();
    await page.getByRole('tab', { name: 'Allergies' }).click();
    await page.getByText('No allergies on record.').waitFor();
    await check('record: empty tab');
    await resize(page, 375);
    await page.getByRole('tab', { name: 'Encounters' }).click();
    await page.getByText('Clinic visit 23', { exact: true }).waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await check('record at 375 px');
    await screenshot(page, 'record-375');
    await resize(page, 1280);
  });

  it('offers the request buttons for a not-authorized match, and sends a PCP access request', async () => {
    await page.getByRole('link', { name: 'Patient Selection' }).click();
    await page.getByRole('radio', { name: 'Name and date of birth' }).check();
    await page.getByRole('textbox', { name: 'Last name', exact: true }).fill('okafor');
    await page.getByRole('textbox', { name: 'First name', exact: true }).fill('BLAKE');
    await page.getByRole('textbox', { name: 'Date of birth', exact: true }).fill('2012-07-19');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('you are not authorized to see their record').waitFor();
    await expect(page.getByRole('button', { name: 'Request non-PCP access' }).isVisible()).resolves.toBe(
      true,
    );
    await check('search: not authorized');
    await screenshot(page, 'patient-selection-not-authorized');
    // Keyboard only: Tab to the request button, Enter; in the dialog, Tab to "Send request", Enter.
    await page.getByRole('button', { name: 'Search' }).focus();
    await tabTo(page, /Request PCP access/);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await tabTo(page, /Send request/);
    await page.keyboard.press('Enter');
    await page.getByText('Your PCP access request is pending.').waitFor();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await expect(page.getByRole('button', { name: 'Request PCP access' }).count()).resolves.toBe(0);
    await check('search: request pending');
    const mail = await t.smtp.waitFor((m) => m.to.includes('team@mypatients.test'));
    expect(mail.text).not.toContain('Okafor');
  });

  it('says when a not-authorized patient has no portal account', async () => {
    await page.getByRole('radio', { name: 'MRN', exact: true }).check();
    await page.getByRole('textbox', { name: 'MRN', exact: true }).fill(mrn.noPortal);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('has no patient-portal account').waitFor();
    await expect(page.getByRole('button', { name: 'Request non-PCP access' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Request PCP access' }).isVisible()).resolves.toBe(true);
    await check('search: no portal account');
    await resize(page, 375);
    try {
      await screenshot(page, 'patient-selection-375');
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await check('search at 375 px');
    } finally {
      await resize(page, 1280);
    }
  });

  it('validates an invitation token from the header and opens that record', async () => {
    const invite = await t
      .http()
      .post('/api/v1/staff/invitations')
      .set('Authorization', `Bearer ${staffToken}`)
      .send({ mrn: mrn.token, recipientEmail: email });
    expect(invite.status).toBe(201);
    const mail = await t.smtp.waitFor((m) => m.to.includes(email) && /Token: /.test(m.text));
    const token = /Token: ([A-Za-z0-9_-]+)/.exec(mail.text)![1];
    await page.getByRole('button', { name: 'Validate a Token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Validate a Token' });
    await dialog.getByRole('textbox', { name: 'Token', exact: true }).fill('wrong-token-value');
    await dialog.getByRole('textbox', { name: 'MRN', exact: true }).fill(mrn.token);
    await dialog.getByRole('button', { name: 'Validate' }).click();
    await dialog.getByText('do not match a valid invitation').waitFor();
    await check('validate token: error');
    await dialog.getByRole('textbox', { name: 'Token', exact: true }).fill(token);
    await dialog.getByRole('button', { name: 'Validate' }).click();
    await dialog.getByText('Token accepted').waitFor();
    await screenshot(page, 'validate-token');
    await dialog.getByRole('link', { name: 'Open the record' }).click();
    await page.getByRole('heading', { name: 'Marsh, Devon' }).waitFor();
  });

  it('lets a sponsor add a staff member, who activates the account from the email', async () => {
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Account', exact: true }).waitFor();
    await check('account');
    await page.getByRole('link', { name: 'Become a sponsor' }).click();
    await page.getByRole('button', { name: 'Enroll as a sponsor' }).click();
    await page.getByRole('heading', { name: 'My staff' }).waitFor();
    await page.getByRole('button', { name: 'Add a staff member' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a staff member' });
    const staffEmail = 'riley.nguyen@example.test';
    await dialog.getByRole('textbox', { name: 'First name', exact: true }).fill('Riley');
    await dialog.getByRole('textbox', { name: 'Last name', exact: true }).fill('Nguyen');
    await dialog.getByRole('textbox', { name: 'Email', exact: true }).fill(staffEmail);
    await dialog.getByRole('button', { name: 'Send the activation email' }).click();
    await page.getByRole('cell', { name: staffEmail }).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    // Each row's actions name their person: a screen reader's button list tells the rows apart.
    for (const name of ['Replace email of Riley Nguyen', 'Deactivate Riley Nguyen'])
      await page.getByRole('button', { name, exact: true }).waitFor();
    await check('sponsor: staff list');
    await screenshot(page, 'sponsor-staff');

    const mail = await t.smtp.waitFor((m) => m.to.includes(staffEmail) && /activate\?token=/.test(m.text));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to MyPatients' }).waitFor();
    await page.goto(`/activate?token=${linkToken(mail, 'activate')}`);
    await page
      .getByRole('textbox', { name: 'New password', exact: true })
      .fill('marble otter lantern violin 27');
    await page
      .getByRole('textbox', { name: 'Repeat the new password', exact: true })
      .fill('marble otter lantern violin 27');
    await check('activate');
    await page.getByRole('button', { name: 'Activate my account' }).click();
    await page.getByText('Your account is active').waitFor();
  });

  it('after a reload, keeps the session through the refresh cookie, or shows sign-in without it', async () => {
    await page.goto('/sign-in');
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
    await page.getByRole('textbox', { name: /6-digit code/ }).fill(await code());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Patient Selection' }).waitFor();
    t.clock.advance(30_000);
    await page.reload();
    const heading = page.getByRole('heading', { name: /^(Patient Selection|Sign in to MyPatients)$/ });
    await heading.waitFor();
    const kept = (await heading.innerText()) === 'Patient Selection';
    const cookie = (await context.cookies()).find((c) => c.path === '/api/v1/auth');
    if (cookie) {
      expect(cookie.httpOnly).toBe(true);
      expect(cookie.sameSite).toBe('Strict');
      expect(kept).toBe(true);
    } else {
      console.warn('the server set no refresh cookie (API.md v1.1): a reload shows sign-in');
      expect(kept).toBe(false);
    }
  });

  it('has no serious or critical accessibility violation in any state it reached', () => {
    expect(findings).toEqual([]);
  });

  it('logged no script error in the browser console', () => {
    // 4xx answers the pages handle (e.g. a wrong token) appear as "Failed to load resource".
    expect(consoleErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
