import { Injectable } from '@nestjs/common';

/** Domain code asks this for the time, never `new Date()`, so tests can move time. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock tests set and advance. */
export class FixedClock extends Clock {
  constructor(private current: Date = new Date()) {
    super();
  }
  override now(): Date {
    return new Date(this.current.getTime());
  }
  set(instant: Date | string): void {
    this.current = new Date(instant);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
