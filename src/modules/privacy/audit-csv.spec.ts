import { auditCsvHeader, auditCsvLine, csvCell } from './audit-csv.js';

describe('audit CSV cells', () => {
  it.each(['=SUM(A1)', '+1', '-2', '@cmd', '\tx', '\rx'])(
    'prefixes %j, which a spreadsheet would run, with a quote',
    (value) => {
      expect(csvCell(value).replace(/^"|"$/g, '').startsWith(`'${value[0]}`)).toBe(true);
    },
  );

  it('quotes commas, quotes and line breaks and doubles quotes; leaves plain text alone', () => {
    expect(csvCell('Reyes, Dana')).toBe('"Reyes, Dana"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('a\nb')).toBe('"a\nb"');
    expect(csvCell('patient.view')).toBe('patient.view');
    expect(csvCell(null)).toBe('');
  });

  it('writes details as JSON and a header naming every column', () => {
    expect(auditCsvHeader()).toBe(
      'id,at,userId,userName,userKind,userNpi,userPracticeId,userPractice,actorKind,action,patientId,basis,outcome,details\r\n',
    );
    const line = auditCsvLine({
      id: '7',
      at: new Date('2026-11-16T15:00:00Z'),
      user: {
        id: 'u1',
        name: '=Evil',
        kind: 'provider',
        npi: '1234567893',
        practice: { id: 'p1', name: 'Kids, Inc' },
      },
      actorKind: 'provider',
      action: 'patient.view',
      patientId: 'p',
      basis: 'care_team',
      outcome: 'success',
      details: { by: 'mrn', results: 1 },
      cursorAt: '2026-11-16T15:00:00.000000Z',
    });
    expect(line).toBe(
      `7,2026-11-16T15:00:00.000Z,u1,'=Evil,provider,1234567893,p1,"Kids, Inc",provider,patient.view,p,care_team,success,"{""by"":""mrn"",""results"":1}"\r\n`,
    );
  });
});
