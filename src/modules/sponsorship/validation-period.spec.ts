import { reminderFor, validationWindow } from './validation-period.js';

describe('validation periods', () => {
  it('opens the April and October periods on their first day, due 30 days later at hospital midnight', () => {
    expect(validationWindow('2027-04-01')).toEqual({
      period: '2027-04',
      periodStart: '2027-04-01',
      dueDate: '2027-05-01',
      dueAt: new Date('2027-05-01T04:00:00.000Z'),
    });
    const october = validationWindow('2026-10-01');
    expect(october.period).toBe('2026-10');
    expect(october.dueDate).toBe('2026-10-31');
    expect(october.dueAt.toISOString()).toBe('2026-10-31T04:00:00.000Z');
  });

  it('maps January to March to the previous October period', () => {
    expect(validationWindow('2027-01-15').period).toBe('2026-10');
    expect(validationWindow('2027-03-31').period).toBe('2026-10');
    expect(validationWindow('2027-09-30').period).toBe('2027-04');
  });

  it('gives a late-opened validation its full 30 days', () => {
    expect(validationWindow('2027-04-10').dueDate).toBe('2027-05-10');
    // Across the November daylight-saving change the due instant follows hospital time.
    expect(validationWindow('2026-10-05').dueAt.toISOString()).toBe('2026-11-04T05:00:00.000Z');
  });

  it('chooses the 14-, 7- or 1-day reminder, catching up a missed day', () => {
    expect(reminderFor(15)).toBeNull();
    expect(reminderFor(14)).toBe(14);
    expect(reminderFor(13)).toBe(14);
    expect(reminderFor(8)).toBe(14);
    expect(reminderFor(7)).toBe(7);
    expect(reminderFor(2)).toBe(7);
    expect(reminderFor(1)).toBe(1);
    expect(reminderFor(0)).toBeNull();
  });
});
