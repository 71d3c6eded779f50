import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { createWindowGate } from './WindowGate';
import { gateContext } from './__testUtils__/gateContext';

const windowGate = (...entries: JsonObject[]) =>
  createWindowGate(
    entries.map(entry => new ConfigReader(entry)),
    'prod',
  );

const at = (iso: string) => gateContext({ now: new Date(iso) });

const londonOfficeHours = {
  allow: {
    days: ['mon', 'tue', 'wed', 'thu'],
    from: '09:00',
    to: '16:00',
    timezone: 'Europe/London',
  },
};
const yearEndFreeze = {
  deny: {
    from: '2026-12-20T00:00:00Z',
    to: '2027-01-04T00:00:00Z',
    reason: 'year-end freeze',
  },
};

describe('WindowGate', () => {
  describe('allow windows in Europe/London', () => {
    const gate = windowGate(londonOfficeHours);

    it('passes inside a window (GMT, before the clocks change)', async () => {
      // Thursday 15:30 GMT.
      expect(await gate.evaluate(at('2026-03-26T15:30:00Z'))).toMatchObject({
        status: 'passed',
      });
    });

    it('waits over the weekend and across the spring change to 09:00 BST on Monday', async () => {
      // Friday noon; the clocks go forward on Sunday 29 March.
      const result = await gate.evaluate(at('2026-03-27T12:00:00Z'));
      expect(result.status).toBe('pending');
      expect(result.retryAt).toEqual(new Date('2026-03-30T08:00:00Z'));
      expect(result.message).toBe(
        'prod accepts promotions mon, tue, wed, thu 09:00–16:00 Europe/London; ' +
          'the next window opens Mon 2026-03-30 09:00 BST (2026-03-30T08:00:00.000Z).',
      );
    });

    it('keeps the edges on the wall clock during summer time', async () => {
      // Wednesday 09:30 BST is 08:30 UTC: open, though 08:30 GMT would not be.
      expect(await gate.evaluate(at('2026-04-01T08:30:00Z'))).toMatchObject({
        status: 'passed',
      });
      // Wednesday 08:59 BST: opens in a minute.
      expect(await gate.evaluate(at('2026-04-01T07:59:00Z'))).toMatchObject({
        status: 'pending',
        retryAt: new Date('2026-04-01T08:00:00Z'),
      });
      // Thursday 16:30 BST is 15:30 UTC: closed until Monday.
      expect(await gate.evaluate(at('2026-04-02T15:30:00Z'))).toMatchObject({
        status: 'pending',
        retryAt: new Date('2026-04-06T08:00:00Z'),
      });
    });

    it('opens at 09:00 GMT again after the autumn change', async () => {
      // Friday 23 October; the clocks go back on Sunday 25 October.
      expect(await gate.evaluate(at('2026-10-23T12:00:00Z'))).toMatchObject({
        status: 'pending',
        retryAt: new Date('2026-10-26T09:00:00Z'),
      });
    });

    it('treats the end of a window as closed', async () => {
      // Thursday 16:00 GMT exactly.
      expect(await gate.evaluate(at('2026-03-26T16:00:00Z'))).toMatchObject({
        status: 'pending',
        retryAt: new Date('2026-03-30T08:00:00Z'),
      });
    });
  });

  it('supports windows that run past midnight, counted from the day they open', async () => {
    const gate = windowGate({
      allow: {
        days: ['fri'],
        from: '22:00',
        to: '02:00',
        timezone: 'America/New_York',
      },
    });
    // Saturday 01:30 EST belongs to Friday's window.
    expect(await gate.evaluate(at('2026-03-07T06:30:00Z'))).toMatchObject({
      status: 'passed',
    });
    // Saturday 02:30 EST: next Friday 22:00, which is EDT after 8 March.
    expect(await gate.evaluate(at('2026-03-07T07:30:00Z'))).toMatchObject({
      status: 'pending',
      retryAt: new Date('2026-03-14T02:00:00Z'),
    });
  });

  it('passes in any of several allow windows and waits for the earliest', async () => {
    const gate = windowGate(londonOfficeHours, {
      allow: { from: '09:00', to: '17:00', timezone: 'America/New_York' },
    });
    // Monday 13:00 EDT: closed in London, open in New York.
    expect(await gate.evaluate(at('2026-03-30T17:00:00Z'))).toMatchObject({
      status: 'passed',
    });
    // Sunday 23:00 UTC: New York opens daily at 13:00 UTC, London on Monday at 08:00 UTC.
    expect(await gate.evaluate(at('2026-03-29T23:00:00Z'))).toMatchObject({
      status: 'pending',
      retryAt: new Date('2026-03-30T08:00:00Z'),
    });
  });

  describe('freezes', () => {
    it('waits until the freeze ends and gives the reason', async () => {
      const gate = windowGate(yearEndFreeze);
      const result = await gate.evaluate(at('2026-12-22T10:00:00Z'));
      expect(result.status).toBe('pending');
      expect(result.retryAt).toEqual(new Date('2027-01-04T00:00:00Z'));
      expect(result.message).toBe(
        'prod is frozen until 2027-01-04T00:00:00.000Z: year-end freeze.',
      );
    });

    it('passes before it starts and from the moment it ends', async () => {
      const gate = windowGate(yearEndFreeze);
      for (const now of ['2026-12-19T23:59:59Z', '2027-01-04T00:00:00Z']) {
        expect(await gate.evaluate(at(now))).toMatchObject({
          status: 'passed',
        });
      }
    });

    it('wins over an open allow window and retries at the first allowed moment after it', async () => {
      const gate = windowGate(londonOfficeHours, yearEndFreeze);
      // Tuesday 10:00 GMT: inside office hours, inside the freeze.
      const result = await gate.evaluate(at('2026-12-22T10:00:00Z'));
      expect(result.status).toBe('pending');
      // The freeze ends Monday 00:00; office hours open at 09:00.
      expect(result.retryAt).toEqual(new Date('2027-01-04T09:00:00Z'));
      expect(result.message).toBe(
        'prod is frozen until 2027-01-04T00:00:00.000Z: year-end freeze. ' +
          'Promotion can resume at Mon 2027-01-04 09:00 GMT (2027-01-04T09:00:00.000Z).',
      );
    });

    it('retries at the end of a freeze that ends inside a window', async () => {
      const gate = windowGate(londonOfficeHours, {
        deny: {
          from: '2026-03-30T09:00:00+01:00',
          to: '2026-03-30T13:00:00+01:00',
          reason: 'database migration',
        },
      });
      expect(await gate.evaluate(at('2026-03-30T10:00:00Z'))).toMatchObject({
        status: 'pending',
        retryAt: new Date('2026-03-30T12:00:00Z'),
        message:
          'prod is frozen until 2026-03-30T12:00:00.000Z: database migration.',
      });
    });
  });

  describe('recurring deny windows', () => {
    const fridayAfternoons = {
      deny: {
        days: ['fri'],
        from: '16:00',
        to: '24:00',
        timezone: 'Europe/London',
        reason: 'no Friday deploys',
      },
    };

    it('refuses inside the window and retries at its end (BST)', async () => {
      const gate = windowGate(fridayAfternoons);
      // Friday 3 July 16:00 BST.
      const result = await gate.evaluate(at('2026-07-03T15:00:00Z'));
      expect(result).toEqual({
        status: 'pending',
        message:
          'prod refuses promotions fri 16:00–24:00 Europe/London (no Friday deploys) ' +
          'until Sat 2026-07-04 00:00 BST (2026-07-03T23:00:00.000Z).',
        details: {
          deny: {
            window: 'fri 16:00–24:00 Europe/London',
            reason: 'no Friday deploys',
            from: '2026-07-03T15:00:00.000Z',
            to: '2026-07-03T23:00:00.000Z',
          },
        },
        retryAt: new Date('2026-07-03T23:00:00Z'),
      });
    });

    it('passes before it starts, on other days and from the moment it ends', async () => {
      const gate = windowGate(fridayAfternoons);
      for (const now of [
        '2026-07-03T14:59:00Z', // Friday 15:59 BST
        '2026-07-02T15:30:00Z', // Thursday 16:30 BST
        '2026-07-03T23:00:00Z', // Saturday 00:00 BST
      ]) {
        expect(await gate.evaluate(at(now))).toMatchObject({
          status: 'passed',
        });
      }
    });

    it('keeps its edges on the wall clock in winter (GMT)', async () => {
      const gate = windowGate(fridayAfternoons);
      expect(await gate.evaluate(at('2026-01-09T15:59:00Z'))).toMatchObject({
        status: 'passed',
      });
      expect(await gate.evaluate(at('2026-01-09T16:00:00Z'))).toMatchObject({
        status: 'pending',
        retryAt: new Date('2026-01-10T00:00:00Z'),
      });
    });

    it('reads the times in its own time zone, past midnight too', async () => {
      const afterHours = windowGate({
        deny: {
          days: ['mon', 'tue', 'wed', 'thu', 'fri'],
          from: '17:00',
          to: '09:00',
          timezone: 'America/New_York',
        },
      });
      // Monday 18:00 EDT: until Tuesday 09:00 EDT.
      expect(
        await afterHours.evaluate(at('2026-07-06T22:00:00Z')),
      ).toMatchObject({
        status: 'pending',
        retryAt: new Date('2026-07-07T13:00:00Z'),
        message:
          'prod refuses promotions mon, tue, wed, thu, fri 17:00–09:00 America/New_York ' +
          'until Tue 2026-07-07 09:00 GMT-4 (2026-07-07T13:00:00.000Z).',
      });
      // Tuesday 08:30 EDT still belongs to Monday's window.
      expect(
        await afterHours.evaluate(at('2026-07-07T12:30:00Z')),
      ).toMatchObject({
        status: 'pending',
        retryAt: new Date('2026-07-07T13:00:00Z'),
      });
      // Saturday 10:00 EDT: Friday's window ended at 09:00, none opens on Saturday.
      expect(
        await afterHours.evaluate(at('2026-07-11T14:00:00Z')),
      ).toMatchObject({ status: 'passed' });

      // 12:30 in Tokyo is 03:30 UTC; the same instant is outside a London lunch hour.
      const lunch = (timezone: string) =>
        windowGate({ deny: { from: '12:00', to: '13:00', timezone } });
      expect(
        await lunch('Asia/Tokyo').evaluate(at('2026-07-03T03:30:00Z')),
      ).toMatchObject({
        status: 'pending',
        retryAt: new Date('2026-07-03T04:00:00Z'),
      });
      expect(
        await lunch('Europe/London').evaluate(at('2026-07-03T03:30:00Z')),
      ).toMatchObject({ status: 'passed' });
    });

    it('is shorter by the lost hour when the clocks go forward', async () => {
      // Sunday 29 March: 01:00 GMT becomes 02:00 BST, so 00:00–03:00 lasts two hours.
      const gate = windowGate({
        deny: {
          days: ['sun'],
          from: '00:00',
          to: '03:00',
          timezone: 'Europe/London',
        },
      });
      expect(await gate.evaluate(at('2026-03-28T23:59:00Z'))).toMatchObject({
        status: 'passed',
      });
      expect(await gate.evaluate(at('2026-03-29T01:30:00Z'))).toMatchObject({
        status: 'pending',
        retryAt: new Date('2026-03-29T02:00:00Z'),
      });
      expect(await gate.evaluate(at('2026-03-29T02:00:00Z'))).toMatchObject({
        status: 'passed',
      });
    });

    it('starts at the jump when its start is a time the clocks skip', async () => {
      // 01:30 never shows on 29 March in London; 02:15 BST is inside 01:30–03:00.
      const gate = windowGate({
        deny: {
          days: ['sun'],
          from: '01:30',
          to: '03:00',
          timezone: 'Europe/London',
        },
      });
      expect(await gate.evaluate(at('2026-03-29T00:59:00Z'))).toMatchObject({
        status: 'passed',
      });
      expect(await gate.evaluate(at('2026-03-29T01:15:00Z'))).toMatchObject({
        status: 'pending',
        retryAt: new Date('2026-03-29T02:00:00Z'),
      });
    });

    it('is longer by the repeated hour when the clocks go back', async () => {
      // Sunday 25 October: 02:00 BST becomes 01:00 GMT, so 00:00–03:00 lasts four hours.
      const gate = windowGate({
        deny: {
          days: ['sun'],
          from: '00:00',
          to: '03:00',
          timezone: 'Europe/London',
        },
      });
      expect(await gate.evaluate(at('2026-10-24T22:59:00Z'))).toMatchObject({
        status: 'passed',
      });
      expect(await gate.evaluate(at('2026-10-24T23:00:00Z'))).toMatchObject({
        status: 'pending',
        retryAt: new Date('2026-10-25T03:00:00Z'),
      });
      expect(await gate.evaluate(at('2026-10-25T02:30:00Z'))).toMatchObject({
        status: 'pending',
        retryAt: new Date('2026-10-25T03:00:00Z'),
      });
    });

    describe('with allow windows', () => {
      const weekdays = {
        allow: {
          days: ['mon', 'tue', 'wed', 'thu', 'fri'],
          from: '09:00',
          to: '17:00',
          timezone: 'Europe/London',
        },
      };

      it('wins over an open allow window and retries when an allow window opens after it', async () => {
        const gate = windowGate(weekdays, fridayAfternoons);
        // Friday 16:30 BST: inside both; the deny window ends at midnight,
        // when no allow window is open, so Monday 09:00 BST.
        const result = await gate.evaluate(at('2026-07-03T15:30:00Z'));
        expect(result).toMatchObject({
          status: 'pending',
          retryAt: new Date('2026-07-06T08:00:00Z'),
          message:
            'prod refuses promotions fri 16:00–24:00 Europe/London (no Friday deploys) ' +
            'until Sat 2026-07-04 00:00 BST (2026-07-03T23:00:00.000Z). ' +
            'Promotion can resume at Mon 2026-07-06 09:00 BST (2026-07-06T08:00:00.000Z).',
        });
        // Friday 15:30 and Thursday 16:30 BST: allowed, not denied.
        for (const now of ['2026-07-03T14:30:00Z', '2026-07-02T15:30:00Z']) {
          expect(await gate.evaluate(at(now))).toMatchObject({
            status: 'passed',
          });
        }
      });

      it('skips an allow window opening inside a deny window', async () => {
        const gate = windowGate(weekdays, {
          deny: {
            days: ['mon'],
            from: '00:00',
            to: '10:00',
            timezone: 'Europe/London',
          },
        });
        // Sunday noon: the allow window opens Monday 09:00, the deny window ends 10:00.
        const result = await gate.evaluate(at('2026-07-05T11:00:00Z'));
        expect(result).toMatchObject({
          status: 'pending',
          retryAt: new Date('2026-07-06T09:00:00Z'),
          message:
            'prod accepts promotions mon, tue, wed, thu, fri 09:00–17:00 Europe/London. ' +
            'Promotion can resume at Mon 2026-07-06 10:00 BST (2026-07-06T09:00:00.000Z).',
        });
      });

      it('stays pending, and ends, when deny windows cover every allow window', async () => {
        const gate = windowGate(
          {
            allow: {
              days: ['fri'],
              from: '09:00',
              to: '17:00',
              timezone: 'UTC',
            },
          },
          {
            deny: {
              days: ['fri'],
              from: '00:00',
              to: '24:00',
              timezone: 'UTC',
            },
          },
        );
        const result = await gate.evaluate(at('2026-07-03T10:00:00Z'));
        expect(result.status).toBe('pending');
        expect(result.message).toMatch(
          /No moment in the next year is open; promotion\.environments\[prod\]\.windows may deny every allowed time\.$/,
        );
        expect(result.retryAt!.getTime()).toBeGreaterThan(
          Date.parse('2027-07-01T00:00:00Z'),
        );
      });
    });

    it('retries at the end of a deny window that a freeze runs into', async () => {
      const gate = windowGate(fridayAfternoons, {
        deny: {
          from: '2026-07-01T00:00:00Z',
          to: '2026-07-03T15:30:00Z',
          reason: 'release train',
        },
      });
      const result = await gate.evaluate(at('2026-07-02T12:00:00Z'));
      expect(result).toMatchObject({
        status: 'pending',
        retryAt: new Date('2026-07-03T23:00:00Z'),
        message:
          'prod is frozen until 2026-07-03T15:30:00.000Z: release train. ' +
          'Promotion can resume at Sat 2026-07-04 00:00 BST (2026-07-03T23:00:00.000Z).',
      });
    });
  });

  it('passes without entries', async () => {
    expect(
      await createWindowGate(undefined, 'prod').evaluate(
        at('2026-12-25T03:00:00Z'),
      ),
    ).toMatchObject({ status: 'passed' });
  });

  describe('config errors name the key', () => {
    const key = 'promotion.environments[prod].windows[1]';
    it.each([
      [
        { allow: { from: '09:00', to: '16:00', timezone: 'Europe/Londn' } },
        `${key}.allow.timezone: expected an IANA time zone like Europe/London`,
      ],
      [
        {
          allow: {
            days: ['monday'],
            from: '09:00',
            to: '16:00',
            timezone: 'UTC',
          },
        },
        `${key}.allow.days[0]: expected one of mon, tue, wed, thu, fri, sat, sun`,
      ],
      [
        { allow: { from: '9am', to: '16:00', timezone: 'UTC' } },
        `${key}.allow.from: expected a time like '09:00'`,
      ],
      [
        { allow: { from: '09:00', to: '09:00', timezone: 'UTC' } },
        `${key}.allow.to: from and to are equal; use from: '00:00', to: '24:00' for a whole day`,
      ],
      [
        {
          deny: {
            from: '2026-12-20T00:00:00',
            to: '2027-01-04T00:00:00Z',
            reason: 'x',
          },
        },
        `${key}.deny.from: expected an ISO 8601 time with an offset, like '2026-12-20T00:00:00Z'`,
      ],
      [
        {
          deny: {
            from: '2027-01-04T00:00:00Z',
            to: '2026-12-20T00:00:00Z',
            reason: 'x',
          },
        },
        `${key}.deny.to: must be later than from`,
      ],
      [
        { deny: { days: ['fri'], from: '16:00', to: '24:00' } },
        `${key}.deny.timezone: expected an IANA time zone like Europe/London`,
      ],
      [
        {
          deny: {
            days: ['fri'],
            from: '16:00',
            to: '24:00',
            timeZone: 'Europe/London',
          },
        },
        `${key}.deny.timeZone: unknown key; did you mean 'timezone'?`,
      ],
      [
        { deny: { from: '16:00', to: '16:00', timezone: 'UTC' } },
        `${key}.deny.to: from and to are equal`,
      ],
      [
        {
          deny: {
            days: ['friday'],
            from: '16:00',
            to: '24:00',
            timezone: 'UTC',
          },
        },
        `${key}.deny.days[0]: expected one of mon, tue, wed, thu, fri, sat, sun`,
      ],
      [
        { deny: { from: '16:00', to: '24:00', timezone: 'UTC', reason: '' } },
        `${key}.deny.reason: say why, or leave reason out`,
      ],
      [
        {
          deny: {
            from: '2026-12-20T00:00:00Z',
            to: '2027-01-04T00:00:00Z',
          },
        },
        `${key}.deny.reason: `,
      ],
      [
        {
          allow: { from: '09:00', to: '16:00', timezone: 'UTC', day: ['mon'] },
        },
        `${key}.allow.day: unknown key; did you mean 'days'?`,
      ],
      [
        { freeze: { from: '2026-12-20T00:00:00Z' } },
        `${key}: expected { allow: { … } } or { deny: { … } }`,
      ],
    ])('%j', (entry, message) => {
      expect(() => windowGate(londonOfficeHours, entry as JsonObject)).toThrow(
        message,
      );
    });
  });

  it('accepts a whole day as 00:00 to 24:00', async () => {
    const gate = windowGate({
      allow: {
        days: ['sat', 'sun'],
        from: '00:00',
        to: '24:00',
        timezone: 'UTC',
      },
    });
    expect(await gate.evaluate(at('2026-03-29T23:59:00Z'))).toMatchObject({
      status: 'passed',
    });
    expect(await gate.evaluate(at('2026-03-30T00:00:00Z'))).toMatchObject({
      status: 'pending',
      retryAt: new Date('2026-04-04T00:00:00Z'),
    });
  });
});
