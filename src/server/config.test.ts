import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('config', () => {
  it('defaults to the embedded database with its worker in-process', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeNull();
    expect(config.embeddedWorker).toBe(true);
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', SMTP_URL: 'http://x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(4);
      expect(problems.join('\n')).toMatch(/PORT[\s\S]*DATABASE_URL[\s\S]*SMTP_URL[\s\S]*LOG_LEVEL/);
    }
  });

  it('keeps files under DATA_DIR unless FILES_BACKEND names an S3 bucket, whose settings are checked at boot', () => {
    expect(loadConfig({}).files).toEqual({ backend: 'folder' });
    expect(
      loadConfig({
        FILES_BACKEND: 's3',
        S3_ENDPOINT: 'http://minio:9000',
        S3_BUCKET: 'relais-files',
        S3_ACCESS_KEY_ID: 'key',
        S3_SECRET_ACCESS_KEY: 'secret',
        S3_FORCE_PATH_STYLE: 'true',
      }).files,
    ).toEqual({
      backend: 's3',
      endpoint: 'http://minio:9000',
      bucket: 'relais-files',
      region: 'us-east-1',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
      forcePathStyle: true,
    });
    // No keys: the SDK's own credential chain (an instance role), on AWS S3 of the region.
    expect(loadConfig({ FILES_BACKEND: 's3', S3_BUCKET: 'relais', S3_REGION: 'eu-west-3' }).files).toMatchObject({
      endpoint: null,
      region: 'eu-west-3',
      accessKeyId: null,
      forcePathStyle: false,
    });
    try {
      loadConfig({ FILES_BACKEND: 's3', S3_ENDPOINT: 'minio:9000', S3_ACCESS_KEY_ID: 'key', S3_FORCE_PATH_STYLE: 'yes' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'S3_ENDPOINT must be an http:// or https:// URL, got "minio:9000"',
        'S3_BUCKET must name a bucket (3-63 of a-z 0-9 . -), got ""',
        'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together',
        'S3_FORCE_PATH_STYLE must be "true" or "false"',
      ]);
    }
    expect(() => loadConfig({ FILES_BACKEND: 'ftp' })).toThrow('FILES_BACKEND must be "folder" or "s3", got "ftp"');
  });

  it('marks cookies secure behind https', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://paris.example.org' }).cookieSecure).toBe(true);
  });

  it('keeps import files 7 days and rejected rows 30 days unless told otherwise, never 0 days', () => {
    expect(loadConfig({})).toMatchObject({ importSourceRetentionDays: 7, importRejectedRetentionDays: 30 });
    expect(loadConfig({ IMPORT_SOURCE_RETENTION_DAYS: '2', IMPORT_REJECTED_RETENTION_DAYS: '90' })).toMatchObject({
      importSourceRetentionDays: 2,
      importRejectedRetentionDays: 90,
    });
    try {
      loadConfig({ IMPORT_SOURCE_RETENTION_DAYS: '0', IMPORT_REJECTED_RETENTION_DAYS: 'a month' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'IMPORT_SOURCE_RETENTION_DAYS must be at least 1, got "0"',
        'IMPORT_REJECTED_RETENTION_DAYS must be a non-negative integer, got "a month"',
      ]);
    }
  });

  it('believes no X-Forwarded-For unless TRUST_PROXY lists the proxies, and refuses a bad list at boot', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.0/8, 192.168.1.7 ,::1,fd00::/8,loopback' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
    for (const bad of ['true', '10.0.0.0/33', '::/129', 'proxy.example.org', '10.0.0.1/8/1', '10.0.0.0/x', ',']) {
      try {
        loadConfig({ TRUST_PROXY: bad });
        expect.unreachable(bad);
      } catch (error) {
        expect((error as ConfigError).problems, bad).toEqual([expect.stringMatching(/^TRUST_PROXY must list proxy addresses/)]);
      }
    }
  });
});

describe('config: mailings', () => {
  it('sends mailings through SMTP_URL unless MAILING_SMTP_URL names their own relay, and then needs a token key', () => {
    expect(loadConfig({}).mailing).toMatchObject({
      smtpUrl: null,
      fromAddress: 'no-reply@relais.local',
      bounceDomain: 'relais.local',
      dkim: null,
    });
    expect(loadConfig({}).mailing.tokenSecret.length).toBeGreaterThanOrEqual(32);
    const secret = 'k'.repeat(40);
    expect(loadConfig({ SMTP_URL: 'smtp://relay:25', MAILING_TOKEN_SECRET: secret }).mailing.smtpUrl).toBe('smtp://relay:25');
    expect(
      loadConfig({
        SMTP_URL: 'smtp://relay:25',
        MAILING_SMTP_URL: 'smtp://bulk:587',
        MAILING_TOKEN_SECRET: secret,
        MAILING_FROM: 'lettre@campagne.fr',
      }).mailing,
    ).toMatchObject({
      smtpUrl: 'smtp://bulk:587',
      fromAddress: 'lettre@campagne.fr',
      bounceDomain: 'campagne.fr',
      tokenSecret: secret,
    });
    try {
      loadConfig({
        SMTP_URL: 'smtp://relay:25',
        MAILING_RATE_PER_SECOND: '0',
        DKIM_DOMAIN: 'campagne.fr',
        BOUNCE_DOMAIN: 'pas un domaine',
      });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'BOUNCE_DOMAIN must be a domain name, got "pas un domaine"',
        'MAILING_TOKEN_SECRET is required when mailings go out over SMTP (MAILING_SMTP_URL or SMTP_URL)',
        'DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY must be set together',
        'MAILING_RATE_PER_SECOND must be at least 1, got "0"',
      ]);
    }
    const dkim = loadConfig({
      DKIM_DOMAIN: 'Campagne.fr',
      DKIM_SELECTOR: 's1',
      DKIM_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----',
    }).mailing.dkim;
    expect(dkim).toEqual({
      domainName: 'campagne.fr',
      keySelector: 's1',
      privateKey: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----',
    });
  });

  it('asks the system resolvers for the deliverability check unless MAILING_DNS_SERVERS lists addresses', () => {
    expect(loadConfig({}).dns).toEqual({ servers: [], timeoutMs: 3000 });
    expect(loadConfig({ MAILING_DNS_SERVERS: '127.0.0.1:5353, 9.9.9.9,[::1]:53', MAILING_DNS_TIMEOUT_MS: '500' }).dns).toEqual({
      servers: ['127.0.0.1:5353', '9.9.9.9', '[::1]:53'],
      timeoutMs: 500,
    });
    expect(() => loadConfig({ MAILING_DNS_SERVERS: 'dns.google,127.0.0.1:99999' })).toThrow(
      'MAILING_DNS_SERVERS must list addresses or address:port, got "dns.google, 127.0.0.1:99999"',
    );
  });
});
