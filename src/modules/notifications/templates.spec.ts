import { mkdtempSync, readdirSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMPLATE_NAMES } from './template-registry.js';
import { TemplateError, TemplateRenderer, templateVariables } from './template-renderer.js';

/**
 * Every template in templates/ (found at run time: other modules add theirs) renders with its
 * sample.json, and none can carry patient data. Checked three ways: the variables a template reads
 * (its syntax tree) have no patient-like names; the sample data has no patient-like keys or
 * MRN-/DOB-like values; and rendering with patient canaries added to the data shows none of them.
 */
const TEMPLATES_DIR = join(process.cwd(), 'templates');
const GLOBALS = {
  portalUrl: 'https://portal.example.org',
  teamEmail: 'mypatients@childrens.example.org',
  teamPhone: '617 919 2284',
};

/** Words in a variable or key name that would mean patient data (names split at camelCase, `.`, `_`, `-`). */
const PATIENT_WORDS = new Set([
  'mrn',
  'dob',
  'birth',
  'birthdate',
  'birthday',
  'diagnosis',
  'diagnoses',
  'medication',
  'medications',
  'allergy',
  'allergies',
  'clinical',
  'encounter',
  'encounters',
]);
/** `patient…` is patient data unless it is a count (`patientCount`). */
const COUNT_WORDS = new Set(['count', 'counts', 'total', 'number']);

function patientLike(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.some((w) => PATIENT_WORDS.has(w))) return true;
  if (/medicalrecord|dateofbirth/.test(words.join(''))) return true;
  const i = words.findIndex((w) => w === 'patient' || w === 'patients');
  return i >= 0 && !COUNT_WORDS.has(words[i + 1] ?? '');
}

/** Patient values planted in the data: a template that dumps its data (`{{#each this}}`) would show them. */
const CANARIES = {
  mrn: 'MRN7734521',
  medicalRecordNumber: '7734521',
  dob: '2014-03-09',
  dateOfBirth: '03/09/2014',
  patientName: 'Quinby Zelwood',
  patientFirstName: 'Quinby',
  patientLastName: 'Zelwood',
  patient: { firstName: 'Quinby', lastName: 'Zelwood', mrn: 'MRN7734521', dob: '2014-03-09' },
};
const CANARY_VALUES = ['MRN7734521', '7734521', '2014-03-09', '03/09/2014', 'Quinby', 'Zelwood'];

/** A labelled MRN / DOB value in text ("MRN: 1234567", "DOB 2014-03-09", "date of birth: …"). */
const LABELLED_VALUE = /\b(MRN|DOB|date of birth|born)\s*[:#]?\s*\d/i;
/** A bare 6-9 digit number looks like an MRN (NPIs have 10 digits; phone numbers are grouped). */
const MRN_LIKE = /(?<![\w-])\d{6,9}(?![\w-])/;

/**
 * The data with the canaries planted under every key that holds an object, at every depth (list
 * items included), and at the top: a template that dumps any object it is given (`{{#each item}}`
 * over a digest row, say) shows them, not only one that dumps the top level.
 */
function withCanaries(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withCanaries);
  if (!value || typeof value !== 'object') return value;
  const planted = Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, withCanaries(v)]),
  );
  return { ...planted, ...CANARIES };
}

/** What of the canaries (or anything MRN-/DOB-like) a rendered email shows, per part; empty when nothing. */
function leaksOf(email: Record<string, string>): Array<{ part: string; leak: string }> {
  const found: Array<{ part: string; leak: string }> = [];
  for (const [part, text] of Object.entries(email)) {
    for (const canary of CANARY_VALUES) if (text.includes(canary)) found.push({ part, leak: canary });
    const labelled = LABELLED_VALUE.exec(text)?.[0];
    if (labelled) found.push({ part, leak: labelled });
    const plain = part === 'html' ? text.replace(/<[^>]+>/g, ' ') : text;
    const mrnLike = MRN_LIKE.exec(plain)?.[0];
    if (mrnLike) found.push({ part, leak: mrnLike });
  }
  return found;
}

function keysDeep(value: unknown, prefix = ''): Array<[string, unknown]> {
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [
    [`${prefix}${k}`, v] as [string, unknown],
    ...keysDeep(v, `${prefix}${k}.`),
  ]);
}

describe('email templates', () => {
  const renderer = new TemplateRenderer(TEMPLATES_DIR, GLOBALS);
  const names = renderer.templateNames();

  it('finds the templates, each complete (subject, text, html, sample.json)', () => {
    expect(names.length).toBeGreaterThan(0);
    const files = new Set(readdirSync(TEMPLATES_DIR));
    for (const name of names) {
      for (const part of ['subject.hbs', 'text.hbs', 'html.hbs', 'sample.json'])
        expect(files).toContain(`${name}.${part}`);
    }
    // No stray parts without a subject (a half-added template).
    for (const file of files) {
      const m = /^(.+)\.(text\.hbs|html\.hbs|sample\.json)$/.exec(file);
      if (m) expect(names).toContain(m[1]);
    }
  });

  it('declares every template in template-registry.ts, and every declared template has its files', () => {
    // A template file without a registry line cannot be recorded (record() is typed by the registry);
    // a registry line without files would fail at send time.
    expect([...TEMPLATE_NAMES].sort()).toEqual(names);
  });

  describe.each(names.map((n) => [n]))('%s', (name) => {
    const sample = renderer.sampleData(name);
    const sources = renderer.sources(name);

    it('reads no patient-like variable', () => {
      for (const [part, source] of Object.entries(sources)) {
        const bad = templateVariables(source).filter(patientLike);
        expect({ part, bad }).toEqual({ part, bad: [] });
      }
    });

    it('has sample data without patient-like keys or MRN-/DOB-like values', () => {
      for (const [key, value] of keysDeep(sample)) {
        expect({ key, patientLike: patientLike(key) }).toEqual({ key, patientLike: false });
        if (typeof value === 'string' || typeof value === 'number') {
          const text = String(value);
          expect({ key, text, mrnLike: MRN_LIKE.test(text) || LABELLED_VALUE.test(text) }).toEqual({
            key,
            text,
            mrnLike: false,
          });
        }
      }
    });

    it('renders subject, text and HTML with its sample data, in the layout with the team footer', () => {
      const email = renderer.render(name, sample);
      expect(email.subject.length).toBeGreaterThan(0);
      expect(email.subject).not.toMatch(/\n/);
      for (const body of [email.text, email.html]) {
        expect(body).toContain(GLOBALS.teamEmail);
        expect(body).toContain(GLOBALS.teamPhone);
      }
      expect(email.html).toMatch(/^<!DOCTYPE html>/);
      // Links point at the portal only.
      for (const [, url] of email.text.matchAll(/(https?:\/\/\S+)/g))
        expect(url.startsWith(GLOBALS.portalUrl)).toBe(true);
    });

    it('shows no patient data even when the data carries some, under any of its keys', () => {
      const email = renderer.render(name, withCanaries(sample) as Record<string, unknown>);
      expect(leaksOf({ ...email })).toEqual([]);
    });

    it('refuses to render when a variable is missing (strict mode)', () => {
      const used = new Set(
        Object.values(sources)
          .flatMap((s) => templateVariables(s))
          .map((v) => v.split('.')[0]),
      );
      const own = Object.keys(sample).filter((k) => used.has(k));
      if (own.length === 0) return; // a template with no variables of its own
      const { [own[0]]: _dropped, ...rest } = sample;
      expect(() => renderer.render(name, rest)).toThrow(TemplateError);
    });
  });
});

describe('patient-like names', () => {
  it.each([
    'mrn',
    'MRN',
    'dob',
    'patientName',
    'patientFirstName',
    'patient.lastName',
    'patient_id',
    'dateOfBirth',
    'birthDate',
    'medicalRecordNumber',
    'patient',
  ])('flags %s', (name) => expect(patientLike(name)).toBe(true));
  it.each([
    'firstName',
    'lastName',
    'token',
    'portalUrl',
    'patientCount',
    'requestedOn',
    'removedCount',
    'adobeId',
  ])('allows %s', (name) => expect(patientLike(name)).toBe(false));
});

describe('TemplateRenderer', () => {
  function fixture(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'mp-templates-'));
    cpSync(join(TEMPLATES_DIR, 'layouts'), join(dir, 'layouts'), { recursive: true });
    cpSync(join(TEMPLATES_DIR, 'partials'), join(dir, 'partials'), { recursive: true });
    for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
    return dir;
  }

  it('escapes HTML in the HTML part only, and globals win over data of the same name', () => {
    const dir = fixture({
      'x.subject.hbs': 'Hi {{who}}',
      'x.text.hbs': 'Text {{who}} {{portalUrl}}',
      'x.html.hbs': '<p>{{who}}</p>',
      'x.sample.json': '{}',
    });
    const r = new TemplateRenderer(dir, GLOBALS);
    const email = r.render('x', { who: '<Ann & Bo>', portalUrl: 'https://evil.example' });
    expect(email.subject).toBe('Hi <Ann & Bo>');
    expect(email.text).toContain('Text <Ann & Bo> https://portal.example.org');
    expect(email.html).toContain('<p>&lt;Ann &amp; Bo&gt;</p>');
    expect(email.html).not.toContain('evil.example');
  });

  it('rejects unknown and malformed template names and broken syntax with a TemplateError', () => {
    const dir = fixture({ 'bad.subject.hbs': '{{#if x}}', 'bad.text.hbs': '', 'bad.html.hbs': '' });
    const r = new TemplateRenderer(dir, GLOBALS);
    expect(() => r.render('nope', {})).toThrow(/unknown template "nope"/);
    expect(() => r.render('../etc/passwd', {})).toThrow(/invalid template name/);
    expect(() => r.render('bad', { x: true })).toThrow(TemplateError);
  });

  it('finds canaries a template shows from inside a nested object or list item, not only from the top level', () => {
    const dir = fixture({
      'digest.subject.hbs': 'Digest',
      'digest.text.hbs': '{{#each items}}{{#each this}}{{this}} {{/each}}{{/each}}',
      'digest.html.hbs': '<p>{{#each items}}{{requestId}}{{/each}}</p>',
      'digest.sample.json': '{}',
    });
    const r = new TemplateRenderer(dir, GLOBALS);
    const sample = { items: [{ requestId: 'r-1' }] };
    // Canaries at the top only would miss it: the dump is of each item.
    expect(leaksOf({ ...r.render('digest', { ...sample, ...CANARIES }) })).toEqual([]);
    expect(
      leaksOf({ ...r.render('digest', withCanaries(sample) as Record<string, unknown>) }).map((l) => l.part),
    ).toContain('text');
  });

  it('lists the variables a template reads, without helpers', () => {
    expect(
      templateVariables(
        '{{a}} {{#if b}}{{c.d}}{{/if}} {{#each items}}{{name}}{{/each}} {{> button href=(concat portalUrl "/x") label="L"}}',
      ),
    ).toEqual(['a', 'b', 'c.d', 'items', 'name', 'portalUrl']);
  });
});
