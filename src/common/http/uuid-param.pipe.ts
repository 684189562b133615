import { Injectable, PipeTransform } from '@nestjs/common';
import { notFound } from '../errors/problem.js';
import { isUuid } from '../validation/uuid.js';

/** A path id that is not a UUID names nothing: 404 `not_found`, never a database error. */
@Injectable()
export class UuidParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw notFound();
    return value.toLowerCase();
  }
}
