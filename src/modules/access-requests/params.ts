import { ParseUUIDPipe } from '@nestjs/common';
import { notFound } from '../../common/errors/problem.js';

/** A path id that is not a UUID names nothing: 404, never a 500. */
export const UuidOr404 = () => new ParseUUIDPipe({ exceptionFactory: () => notFound() });
