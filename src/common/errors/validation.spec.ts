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
    await expect(attempt).rejects.toMatchObject({ errors: [{ field: 'email', message: 'must be well-formed Unicode text' }] });
  });

  it('still validates well-formed input as before', async () => {
    await expect(pipe.transform({ email: 'a@b.example', name: 'Zoë' }, body)).resolves.toMatchObject({ email: 'a@b.example' });
    await expect(pipe.transform({ email: 'nope', name: 'x' }, body)).rejects.toBeInstanceOf(ValidationProblem);
  });
});
