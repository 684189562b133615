import { UuidParam } from './uuid-param.pipe.js';

describe('UuidParam', () => {
  const pipe = new UuidParam();
  it('passes a UUID through, lower-cased', () => {
    expect(pipe.transform('6F1C2D3E-4A5B-4C6D-8E7F-0123456789AB')).toBe(
      '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab',
    );
  });
  it.each(['', 'abc', "1' OR 1=1 --", '6f1c2d3e-4a5b-4c6d-8e7f-0123456789abX'])(
    'answers 404 not_found for %p',
    (id) => {
      expect(() => pipe.transform(id)).toThrow(expect.objectContaining({ code: 'not_found' }));
    },
  );
});
