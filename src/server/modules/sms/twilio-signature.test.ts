// X-Twilio-Signature as Twilio's helper library computes it: the published examples verify, both
// URL forms (with and without the default port) are accepted, the JSON variant checks bodySHA256,
// and any change to the URL, a parameter or the token is refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodySha256, signatureOver, twilioSignature, validateTwilioRequest, validateTwilioRequestWithBody } from './twilio-signature.ts';

const TOKEN = '12345';
const URL_ = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675310', Digits: '1234', From: '+14158675310', To: '+18005551212' };

describe('X-Twilio-Signature', () => {
  it("verifies Twilio's published examples", () => {
    expect(validateTwilioRequest(TOKEN, 'GvWf1cFY/Q7PnoempGyD5oXAezc=', URL_, PARAMS)).toBe(true);
    const other = { ...PARAMS, Caller: '+14158675309', From: '+14158675309' };
    expect(validateTwilioRequest(TOKEN, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', URL_, other)).toBe(true);
  });

  it('refuses another token, URL, parameter value, an extra parameter, or no signature', () => {
    const good = 'GvWf1cFY/Q7PnoempGyD5oXAezc=';
    expect(validateTwilioRequest('54321', good, URL_, PARAMS)).toBe(false);
    expect(validateTwilioRequest(TOKEN, good, 'https://mycompany.com/myapp.php?foo=1&bar=3', PARAMS)).toBe(false);
    expect(validateTwilioRequest(TOKEN, good, URL_, { ...PARAMS, Digits: '1235' })).toBe(false);
    expect(validateTwilioRequest(TOKEN, good, URL_, { ...PARAMS, Body: 'STOP' })).toBe(false);
    expect(validateTwilioRequest(TOKEN, undefined, URL_, PARAMS)).toBe(false);
    expect(validateTwilioRequest(TOKEN, good, 'not a url', PARAMS)).toBe(false);
  });

  it('accepts a signature made with or without the default port, whichever URL form the server sees', () => {
    const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    const signedWithPort = signatureOver(TOKEN, withPort, PARAMS);
    const signedWithout = twilioSignature(TOKEN, URL_, PARAMS);
    expect(signedWithPort).not.toBe(signedWithout);
    for (const seen of [URL_, withPort]) {
      expect(validateTwilioRequest(TOKEN, signedWithPort, seen, PARAMS)).toBe(true);
      expect(validateTwilioRequest(TOKEN, signedWithout, seen, PARAMS)).toBe(true);
    }
    // http and port 80 likewise; a non-default port is part of the URL.
    const sig80 = signatureOver(TOKEN, 'http://example.org:80/cb', PARAMS);
    expect(validateTwilioRequest(TOKEN, sig80, 'http://example.org/cb', PARAMS)).toBe(true);
    const sig8080 = twilioSignature(TOKEN, 'http://example.org:8080/cb', PARAMS);
    expect(validateTwilioRequest(TOKEN, sig8080, 'http://example.org/cb', PARAMS)).toBe(false);
  });

  it('signs repeated parameters by their distinct values, sorted', () => {
    const a = twilioSignature(TOKEN, URL_, { MediaUrl: ['b', 'a', 'b'] });
    expect(a).toBe(twilioSignature(TOKEN, URL_, { MediaUrl: ['a', 'b'] }));
  });

  it('verifies JSON bodies through bodySHA256', () => {
    const body = '{"CallSid":"CA1234567890ABCDE","Caller":"+12349013030"}';
    // The hash of Twilio's published JSON example.
    expect(bodySha256(body)).toBe('5ccde7145dfb8f56479710896586cb9d5911809d83afbe34627818790db0aec9');
    const url = `https://example.com/myapp?bodySHA256=${bodySha256(body)}`;
    const signature = twilioSignature(TOKEN, url, {});
    expect(validateTwilioRequestWithBody(TOKEN, signature, url, body)).toBe(true);
    expect(validateTwilioRequestWithBody(TOKEN, signature, url, body.replace('1303', '1304'))).toBe(false);
    expect(validateTwilioRequestWithBody(TOKEN, signature, 'https://example.com/myapp', body)).toBe(false);
  });

  it('a signature verifies only its own parameters (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 20 }), { maxKeys: 6 }),
        fc.string({ minLength: 1, maxLength: 10 }),
        (params, extra) => {
          const signature = twilioSignature(TOKEN, URL_, params);
          expect(validateTwilioRequest(TOKEN, signature, URL_, params)).toBe(true);
          const key = Object.keys(params)[0];
          if (key !== undefined)
            expect(validateTwilioRequest(TOKEN, signature, URL_, { ...params, [key]: `${params[key]}${extra}` })).toBe(false);
        },
      ),
    );
  });
});
