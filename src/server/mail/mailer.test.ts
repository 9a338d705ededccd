import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases.ts';
import { createMailer } from './mailer.ts';

describeEachDatabase('development outbox', (ctx) => {
  it('keeps messages in the database when no SMTP relay is configured', async () => {
    const mailer = createMailer({ smtpUrl: null, mailFrom: 'x@example.org' }, ctx.database.db);
    expect(mailer.kind).toBe('outbox');
    await mailer.send({ to: 'someone@example.org', subject: 'Bonjour', text: 'Corps' });
    const rows = await ctx.database.db.selectFrom('dev_outbox').selectAll().execute();
    expect(rows).toMatchObject([{ to_address: 'someone@example.org', subject: 'Bonjour', text_body: 'Corps' }]);
  });
});

// The SMTP path is proven against a real SMTP server on loopback in identity.test.ts (password reset).
