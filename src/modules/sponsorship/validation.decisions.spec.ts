import { ProblemException } from '../../common/errors/problem.js';
import { assertDecidesEveryListedUser, decisionsByUser } from './validation.decisions.js';

const A = '0b5e4a52-5b8e-4c43-9d1e-8f0c7a1d2e3f';
const B = '1c6f5b63-6c9f-4d54-8e2f-9a1d8b2e3f40';
const C = '2d7a6c74-7da0-4e65-9f30-ab2e9c3f4051';

function problemOf(fn: () => unknown): { code: string; body: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemException);
    const body = (error as ProblemException).getResponse() as Record<string, unknown>;
    return { code: body.code as string, body };
  }
  throw new Error('expected a problem');
}

describe('validation decisions', () => {
  it('reads user ids case-insensitively and accepts a repeated identical decision', () => {
    const byUser = decisionsByUser([
      { userId: A.toUpperCase(), keep: true },
      { userId: A, keep: true },
      { userId: B, keep: false },
    ]);
    expect([...byUser]).toEqual([
      [A, true],
      [B, false],
    ]);
  });

  it('refuses two different decisions for one user, naming the second', () => {
    const { code, body } = problemOf(() =>
      decisionsByUser([
        { userId: A, keep: true },
        { userId: B, keep: true },
        { userId: A.toUpperCase(), keep: false },
      ]),
    );
    expect(code).toBe('validation_failed');
    expect(body.errors).toEqual([
      { field: 'decisions.2.userId', message: 'this user has two different decisions' },
    ]);
  });

  it('refuses a decision about a user who is not on the validation', () => {
    const { code } = problemOf(() =>
      assertDecidesEveryListedUser(
        [{ id: A }],
        decisionsByUser([
          { userId: A, keep: true },
          { userId: C, keep: false },
        ]),
      ),
    );
    expect(code).toBe('validation_failed');
  });

  it('lists the users left undecided', () => {
    const { code, body } = problemOf(() =>
      assertDecidesEveryListedUser(
        [{ id: A }, { id: B }, { id: C }],
        decisionsByUser([{ userId: B, keep: true }]),
      ),
    );
    expect(code).toBe('incomplete_decisions');
    expect(body.missingUserIds).toEqual([A, C]);
  });

  it('accepts a decision for every listed user, and an empty validation with no decisions', () => {
    expect(() =>
      assertDecidesEveryListedUser(
        [{ id: A }, { id: B }],
        decisionsByUser([
          { userId: A, keep: true },
          { userId: B, keep: false },
        ]),
      ),
    ).not.toThrow();
    expect(() => assertDecidesEveryListedUser([], decisionsByUser([]))).not.toThrow();
  });
});
