import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const GLOBALS = {
  portalUrl: 'https://portal.test',
  teamEmail: 'team@mypatients.test',
  teamPhone: '617-555-0199',
};
const TEMPLATES = [
  'pcp-request-team',
  'pcp-update-overdue-team',
  'pcp-update-completed',
  'pcp-update-rejected',
  'pcp-update-withdrawn-team',
];

const read = (name: string, part: string) =>
  readFileSync(join(process.cwd(), 'templates', `${name}.${part}`), 'utf8');
const render = (name: string, part: 'subject' | 'text' | 'html', data: Record<string, unknown>) =>
  Handlebars.compile(read(name, `${part}.hbs`), { strict: true })({ ...GLOBALS, ...data });

describe('PCP-update email templates', () => {
  it.each(TEMPLATES)('%s renders in strict mode with its sample data', (name) => {
    const sample = JSON.parse(read(name, 'sample.json'));
    for (const part of ['subject', 'text', 'html'] as const)
      expect(render(name, part, sample).trim().length).toBeGreaterThan(10);
  });

  it('fails loudly when data is missing', () => {
    expect(() => render('pcp-update-completed', 'text', { firstName: 'A' })).toThrow();
    expect(() => render('pcp-update-overdue-team', 'subject', { asOf: '2026-11-23' })).toThrow();
  });

  it('the overdue digest lists every late request with its due date and assignee', () => {
    const sample = JSON.parse(read('pcp-update-overdue-team', 'sample.json'));
    const text = render('pcp-update-overdue-team', 'text', sample);
    for (const item of sample.items) {
      expect(text).toContain(item.requestId);
      expect(text).toContain(`due ${item.dueDate}`);
      expect(text).toContain(item.assignee);
    }
    expect(
      render('pcp-update-overdue-team', 'subject', { ...sample, countLabel: '1 request', plural: false }),
    ).toBe('PCP update queue: 1 request past due (2026-11-23)');
  });
});
