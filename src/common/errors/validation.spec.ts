import 'reflect-metadata';
import { IsEmail, IsString } from 'class-validator';
import { ValidationProblem } from './problem.js';
import { createValidationPipe, illFormedText } from './validation.js';

class EmailDto {
  @IsEmail()
  email!: string;

  @IsString()
  name!: string;
}

describe('global validation pipe', () => {
  const pipe = createValidationPipe();
  const body = { type: 'body' as const, metatype: EmailDto, data: undefined };

  it('finds text that is not well-formed Unicode, in values and keys, and accepts real pairs', () => {
    expect(illFormedText({ a: { b: ['ok', 'x\ud800'] } }, '')).toBe('a.b.1');
    expect(illFormedText({ ['k\udc00']: 1 }, '')).toBe('k\udc00');
    expect(illFormedText({ a: '👩‍⚕️ Zoë', b: [1, null, true] }, '')).toBeUndefined();
  });

  it('answers a lone surrogate in an email field with validation_failed instead of letting validator.js throw', async () => {
    const attempt = pipe.transform({ email: '\ud800', name: 'x' }, body);
    await expect(attempt).rejects.toBeInstanceOf(ValidationProblem);
    await expect(attempt).rejects.toMatchObject({
      errors: [{ field: 'email', message: 'must be well-formed Unicode text' }],
    });
  });

  it('refuses a NUL in any value or key (PostgreSQL text cannot hold it) before the value reaches SQL', async () => {
    const attempt = pipe.transform({ email: 'a@b.example', name: 'a\u0000b' }, body);
    await expect(attempt).rejects.toMatchObject({
      errors: [{ field: 'name', message: 'must not contain NUL characters' }],
    });
    const query = pipe.transform(
      { q: ['x', '\u0000'] },
      { type: 'query' as const, metatype: Object, data: undefined },
    );
    await expect(query).rejects.toMatchObject({ errors: [{ field: 'query.q.1' }] });
  });

  it('refuses prototype keys at any depth, which class-transformer would otherwise drop unseen', async () => {
    for (const key of ['__proto__', 'constructor', 'prototype', 'valueOf', 'toString', 'hasOwnProperty']) {
      const value = JSON.parse(
        `{"email":"a@b.example","name":"x","nested":{${JSON.stringify(key)}:{"isAdmin":true}}}`,
      );
      await expect(pipe.transform(value, body)).rejects.toMatchObject({
        errors: [{ field: `nested.${key}`, message: 'is not allowed' }],
      });
      const top = JSON.parse(`{${JSON.stringify(key)}:"", "email":"a@b.example","name":"x"}`);
      await expect(pipe.transform(top, body)).rejects.toMatchObject({
        errors: [{ field: key, message: 'is not allowed' }],
      });
    }
  });

  it('still validates well-formed input as before', async () => {
    await expect(pipe.transform({ email: 'a@b.example', name: 'Zoë' }, body)).resolves.toMatchObject({
      email: 'a@b.example',
    });
    await expect(pipe.transform({ email: 'nope', name: 'x' }, body)).rejects.toBeInstanceOf(
      ValidationProblem,
    );
  });
});
