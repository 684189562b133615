import { describe, expect, it } from 'vitest';
import { hospitalToday, timeLeft } from './common';
import { allowedSections, rolesOf } from './sections';

describe('console navigation by role', () => {
  it('shows a team-only member no Privacy page', () => {
    const labels = allowedSections(rolesOf(['team'])).map((s) => s.label);
    expect(labels).toContain('PCP updates');
    expect(labels).not.toContain('Privacy');
  });
  it('shows a privacy-only member the Patients and Privacy pages only', () => {
    expect(allowedSections(rolesOf(['privacy'])).map((s) => s.label)).toEqual(['Patients', 'Privacy']);
  });
  it('shows Patients to the team and to privacy staff, not to admin-only staff', () => {
    expect(allowedSections(rolesOf(['team'])).map((s) => s.label)).toContain('Patients');
    expect(allowedSections(rolesOf(['admin'])).map((s) => s.label)).not.toContain('Patients');
  });
  it('treats a staff account without roles as team (v1 accounts)', () => {
    expect([...rolesOf(undefined)]).toEqual(['team']);
  });
});

describe('deadlines', () => {
  const now = Date.parse('2026-11-16T15:00:00Z');
  it('says the time left, and how late', () => {
    expect(timeLeft('2026-11-16T18:20:00Z', now)).toBe('3 h 20 min left');
    expect(timeLeft('2026-11-19T15:00:00Z', now)).toBe('3 days left');
    expect(timeLeft('2026-11-16T10:00:00Z', now)).toBe('late by 5 h 0 min');
  });
  it('gives the hospital date, not the UTC one', () => {
    expect(hospitalToday(new Date('2026-11-17T03:00:00Z'))).toBe('2026-11-16');
  });
});
