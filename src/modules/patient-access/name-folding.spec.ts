import { foldName } from './name-folding.js';

describe('foldName', () => {
  it('lower-cases and removes accents', () => {
    expect(foldName('José')).toBe('jose');
    expect(foldName('ZOË')).toBe('zoe');
    expect(foldName('Müller-Lüdenscheidt')).toBe('muller-ludenscheidt');
    expect(foldName('François')).toBe('francois');
    expect(foldName('Nguyễn')).toBe('nguyen');
  });

  it('folds precomposed and decomposed forms alike', () => {
    expect(foldName('Jose\u0301')).toBe(foldName('Jos\u00e9'));
  });

  it('maps letters that have no decomposition', () => {
    expect(foldName('Søren')).toBe('soren');
    expect(foldName('Łukasz')).toBe('lukasz');
    expect(foldName('Straße')).toBe('strasse');
    expect(foldName('Æsa')).toBe('aesa');
  });

  it('trims, collapses whitespace and unifies apostrophes and dashes', () => {
    expect(foldName('  Mary   Ann ')).toBe('mary ann');
    expect(foldName('O\u2019Brien')).toBe("o'brien");
    expect(foldName('Smith\u2013Jones')).toBe('smith-jones');
  });

  it('keeps different names different', () => {
    expect(foldName('Ana')).not.toBe(foldName('Anna'));
    expect(foldName('Lee')).not.toBe(foldName('Le'));
  });
});
