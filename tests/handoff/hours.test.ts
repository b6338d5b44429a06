import { describe, expect, it } from 'vitest';
import { availability, type BusinessHours } from '../../src/handoff/index.js';
import { describeOpening } from '../../src/dialogue/opening.js';

const MADRID: BusinessHours = {
  timeZone: 'Europe/Madrid',
  week: { mon: ['09:00-14:00', '16:00-20:00'], tue: ['09:00-20:00'], sun: ['10:00-14:00'] },
  holidays: ['2026-12-08'],
};
const words = { es: { today: 'hoy a las {time}', tomorrow: 'mañana a las {time}', weekday: 'el {weekday} a las {time}' } };

describe('business hours', () => {
  it('is open inside a span, in the company\'s zone, and closed at lunch', () => {
    expect(availability(MADRID, new Date('2026-11-30T09:30:00Z')).open).toBe(true); // Monday 10:30 in Madrid
    const lunch = availability(MADRID, new Date('2026-11-30T13:30:00Z')); // 14:30
    expect(lunch).toMatchObject({ open: false, nextOpen: new Date('2026-11-30T15:00:00Z') });
    expect(describeOpening(lunch.nextOpen!, new Date('2026-11-30T13:30:00Z'), 'Europe/Madrid', 'es', words.es)).toBe('hoy a las 16:00');
  });

  it('skips holidays and closed days to the next opening, and says so in the customer\'s language', () => {
    const now = new Date('2026-12-07T19:30:00Z'); // Monday 20:30; Tuesday the 8th is a holiday
    const next = availability(MADRID, now);
    expect(next.nextOpen).toEqual(new Date('2026-12-13T09:00:00Z')); // Sunday 10:00
    expect(describeOpening(next.nextOpen!, now, 'Europe/Madrid', 'es', words.es)).toBe('el domingo a las 10:00');
    expect(describeOpening(next.nextOpen!, now, 'Europe/Madrid', 'en', { today: 'today at {time}', tomorrow: 'tomorrow at {time}', weekday: 'on {weekday} at {time}' }))
      .toBe('on Sunday at 10:00 AM');
  });

  it('does not skip a day across the spring daylight-saving change', () => {
    // Saturday 28 March 2026, 23:30 in Madrid; clocks go forward that night; Sunday opens at 10:00 (08:00 UTC).
    const now = new Date('2026-03-28T22:30:00Z');
    expect(availability(MADRID, now).nextOpen).toEqual(new Date('2026-03-29T08:00:00Z'));
    const newYork: BusinessHours = { timeZone: 'America/New_York', week: { sun: ['10:00-14:00'] } };
    expect(availability(newYork, new Date('2026-03-08T04:30:00Z')).nextOpen).toEqual(new Date('2026-03-08T14:00:00Z'));
    // and the autumn one, when the day has 25 hours
    expect(availability(MADRID, new Date('2026-10-24T22:30:00Z')).nextOpen).toEqual(new Date('2026-10-25T09:00:00Z'));
  });

  it('has no next opening when the schedule never opens, and is always open without hours', () => {
    expect(availability({ timeZone: 'UTC', week: {} }, new Date())).toEqual({ open: false, timeZone: 'UTC' });
    expect(availability(undefined, new Date()).open).toBe(true);
  });
});
