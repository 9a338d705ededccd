// The bounce mailbox's reader on samples in the styles of several MTAs (fixtures/*.eml).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyFailure, enhancedCodeIn, parseBounceMessage, parseHeaderBlocks, recipientsOfDeliveryStatus, smtpCodeIn } from './dsn.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe('parseBounceMessage on DSNs with a machine-readable part', () => {
  it.each([
    ['postfix-hard.eml', 'jeanne.martin@exemple-fai.fr', 'failed', '5.1.1', 'hard', 'TOKPOSTFIX1', '<m-postfix-1@relais.test>'],
    ['exchange-hard.eml', 'marc.petit@outlook.fr', 'failed', '5.1.10', 'hard', 'TOKEXCH1', '<m-exchange-1@relais.test>'],
    ['gmail-hard.eml', 'sophie.leroy.inexistante@gmail.com', 'failed', '5.1.1', 'hard', 'TOKGMAIL1', '<m-gmail-1@relais.test>'],
    ['exim-soft.eml', 'paul.durand@boite-pleine.test', 'failed', '4.2.2', 'soft', 'TOKEXIM1', '<m-exim-1@relais.test>'],
    ['exim-delayed.eml', 'lucie.bernard@lent.test', 'delayed', '4.0.0', 'delayed', 'TOKEXIM2', '<m-exim-2@relais.test>'],
    ['postfix-delivered.eml', 'remi.blanc@exemple-fai.fr', 'delivered', '2.0.0', 'delivered', 'TOKDELIV1', '<m-delivered-1@relais.test>'],
  ])('%s: %s %s %s → %s', async (file, recipient, action, status, classification, token, messageId) => {
    const report = await parseBounceMessage(fixture(file));
    expect(report).toMatchObject({ kind: 'dsn', machineReadable: true, verpToken: token, messageId });
    if (report.kind !== 'dsn') throw new Error('not a DSN');
    expect(report.recipients).toHaveLength(1);
    expect(report.recipients[0]).toMatchObject({ recipient, action, status, classification });
  });

  it('keeps the diagnostic code, unfolded and without its type', async () => {
    const report = await parseBounceMessage(fixture('gmail-hard.eml'));
    if (report.kind !== 'dsn') throw new Error('not a DSN');
    expect(report.recipients[0]?.diagnosticCode).toMatch(/^550-5\.1\.1 The email account .* unnecessary spaces\./);
    expect(report.recipients[0]?.diagnosticCode).not.toContain('\n');
  });

  it('reads the token under another local part when told', async () => {
    const raw = fixture('postfix-hard.eml').toString().replaceAll('bounces+', 'retour+');
    expect(await parseBounceMessage(raw, { verpLocalPart: 'retour' })).toMatchObject({ verpToken: 'TOKPOSTFIX1' });
    expect(await parseBounceMessage(raw)).toMatchObject({ verpToken: null, messageId: '<m-postfix-1@relais.test>' });
  });
});

describe('parseBounceMessage on reports without a machine-readable part', () => {
  it('qmail: the SMTP code 550 in the text makes a hard bounce', async () => {
    const report = await parseBounceMessage(fixture('qmail-nonstandard.eml'));
    expect(report).toMatchObject({ kind: 'dsn', machineReadable: false, verpToken: 'TOKQMAIL1', messageId: '<m-qmail-1@relais.test>' });
    if (report.kind !== 'dsn') throw new Error('not a DSN');
    expect(report.recipients[0]).toMatchObject({ recipient: 'henri.moreau@vieux-serveur.test', classification: 'hard', status: null });
    expect(report.recipients[0]?.diagnosticCode).toContain('550 No such user here');
  });

  it('sendmail style: a 552 over quota is soft, whatever its "permanent" heading says', async () => {
    const report = await parseBounceMessage(fixture('nonstandard-soft.eml'));
    expect(report).toMatchObject({ kind: 'dsn', machineReadable: false, verpToken: 'TOKTEXT2' });
    if (report.kind !== 'dsn') throw new Error('not a DSN');
    expect(report.recipients[0]).toMatchObject({ recipient: 'claire.fontaine@petit-hebergeur.test', classification: 'soft' });
  });
});

describe('parseBounceMessage on complaints and the rest', () => {
  it('ARF abuse report → complaint with the original recipient and message', async () => {
    expect(await parseBounceMessage(fixture('arf-complaint.eml'))).toEqual({
      kind: 'complaint',
      feedbackType: 'abuse',
      recipient: 'agnes.roux@hotmail.com',
      verpToken: 'TOKARF1',
      messageId: '<m-arf-1@relais.test>',
    });
  });

  it('an ARF report of another feedback type is not a complaint', async () => {
    const raw = fixture('arf-complaint.eml').toString().replace('Feedback-Type: abuse', 'Feedback-Type: not-spam');
    expect(await parseBounceMessage(raw)).toEqual({ kind: 'ignored', reason: 'feedback_not_abuse' });
  });

  it.each(['autoreply-ooo.eml', 'outlook-ooo.eml'])('%s: an out-of-office reply is ignored', async (file) => {
    expect(await parseBounceMessage(fixture(file))).toEqual({ kind: 'ignored', reason: 'autoreply' });
  });

  it('a person writing to the bounce address is not a report', async () => {
    const raw =
      'From: Alice <alice@example.org>\r\nTo: bounces+X@bounce.relais.test\r\nSubject: Question\r\n\r\nBonjour, une question : 550 euros ?\r\n';
    expect(await parseBounceMessage(raw)).toEqual({ kind: 'ignored', reason: 'not_a_report' });
  });
});

describe('the pieces', () => {
  it('classifyFailure: hard, soft, mailbox full, policy blocks', () => {
    expect(classifyFailure('5.1.1')).toBe('hard');
    expect(classifyFailure('5.4.4')).toBe('hard');
    expect(classifyFailure('5.2.2')).toBe('soft');
    expect(classifyFailure('5.7.1')).toBe('soft');
    expect(classifyFailure('4.4.1')).toBe('soft');
    expect(classifyFailure('550')).toBe('hard');
    expect(classifyFailure('552')).toBe('soft');
    expect(classifyFailure('421')).toBe('soft');
    expect(classifyFailure('5.1.1', 'mailbox full')).toBe('soft');
    expect(classifyFailure(null)).toBe('soft');
  });

  it('codes in text, IP addresses aside', () => {
    expect(enhancedCodeIn('host 10.4.5.6 said 550 5.1.1 unknown')).toBe('5.1.1');
    expect(enhancedCodeIn('from 192.0.2.25 ok')).toBeNull();
    expect(smtpCodeIn('Remote host said: 550 No such user')).toBe('550');
    expect(smtpCodeIn('received at 11:01:58 +0100 from 192.0.2.10')).toBeNull();
  });

  it('header blocks: folded lines, several recipients, repeated fields', () => {
    const body =
      'Reporting-MTA: dns; a\n\nFinal-Recipient: rfc822; X@Y.FR\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550\n  unknown\n\nFinal-Recipient: rfc822; z@y.fr\nAction: delivered\nStatus: 2.0.0\nStatus: 5.0.0\n';
    expect(parseHeaderBlocks(body)).toHaveLength(3);
    expect(recipientsOfDeliveryStatus(body)).toEqual([
      {
        recipient: 'x@y.fr',
        originalRecipient: null,
        action: 'failed',
        status: '5.1.1',
        diagnosticCode: '550 unknown',
        classification: 'hard',
      },
      {
        recipient: 'z@y.fr',
        originalRecipient: null,
        action: 'delivered',
        status: '2.0.0',
        diagnosticCode: null,
        classification: 'delivered',
      },
    ]);
  });
});
