// The bounce settings, read and checked at boot with the rest of the configuration.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ConfigError, loadConfig } from '../../../config.ts';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('bounce settings', () => {
  it('reads the bounce mailbox from its URL, with the user and password beside it', () => {
    expect(loadConfig({}).bounces).toEqual({ imap: null, mailgunSigningKey: null, sendgridPublicKey: null });
    expect(
      loadConfig({
        BOUNCE_IMAP_URL: 'imaps://mail.example.org/Rebonds',
        BOUNCE_IMAP_USER: 'bounces',
        BOUNCE_IMAP_PASSWORD: 's3cret',
        BOUNCE_IMAP_DONE_MAILBOX: 'Traités',
      }).bounces.imap,
    ).toEqual({
      host: 'mail.example.org',
      port: 993,
      secure: true,
      user: 'bounces',
      password: 's3cret',
      mailbox: 'Rebonds',
      doneMailbox: 'Traités',
    });
    expect(loadConfig({ BOUNCE_IMAP_URL: 'imap://u:p%40ss@127.0.0.1:1143' }).bounces.imap).toMatchObject({
      host: '127.0.0.1',
      port: 1143,
      secure: false,
      user: 'u',
      password: 'p@ss',
      mailbox: 'INBOX',
    });
  });

  it('refuses a mailbox URL of another scheme or without credentials, and a SendGrid key that is not P-256', () => {
    expect(problemsOf({ BOUNCE_IMAP_URL: 'pop3://mail.example.org' })).toEqual(['BOUNCE_IMAP_URL must start with imap:// or imaps://']);
    expect(problemsOf({ BOUNCE_IMAP_URL: 'imaps://mail.example.org' })).toEqual([
      'BOUNCE_IMAP_URL needs BOUNCE_IMAP_USER and BOUNCE_IMAP_PASSWORD',
    ]);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(problemsOf({ SENDGRID_WEBHOOK_PUBLIC_KEY: rsa })).toHaveLength(1);
    expect(problemsOf({ SENDGRID_WEBHOOK_PUBLIC_KEY: 'not a key' })).toHaveLength(1);
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .publicKey.export({ format: 'der', type: 'spki' })
      .toString('base64');
    expect(loadConfig({ SENDGRID_WEBHOOK_PUBLIC_KEY: p256, MAILGUN_WEBHOOK_SIGNING_KEY: 'key-1' }).bounces).toMatchObject({
      sendgridPublicKey: p256,
      mailgunSigningKey: 'key-1',
    });
  });
});
