import { z } from 'zod';
import { BadRequestError, PayloadTooLargeError } from '../../../../functions/lib/errors';
import { MAX_ADMIN_BODY_BYTES, parseJsonBody, readBody } from '../../../../functions/lib/http/body';
import { apiEvent } from '../../../helpers/api-event';

const event = (body: string | Buffer | undefined, contentType = 'application/json') => apiEvent('POST /admin/x', { rawPath: '/admin/x', body, contentType });

describe('Function: readBody', () => {
  it('answers a text body as sent and a base64-encoded one decoded', () => {
    expect(readBody(event('{"a":"é"}'), 100)).toBe('{"a":"é"}');
    const binary = event(Buffer.from('中文 body'), 'application/octet-stream');
    expect(binary.isBase64Encoded).toBe(true);
    expect(readBody(binary, 100)).toBe('中文 body');
  });

  it('counts bytes, not characters, against the limit', () => {
    expect(readBody(event('é'.repeat(5)), 10)).toBe('ééééé');
    expect(() => readBody(event('é'.repeat(6)), 10)).toThrow(PayloadTooLargeError);
  });

  it('answers an empty string for no body', () => {
    expect(readBody(event(undefined), 10)).toBe('');
  });
});

describe('Function: parseJsonBody', () => {
  const Schema = z.object({ name: z.string().optional() });

  it('parses and validates, an empty body counting as {}', () => {
    expect(parseJsonBody(event('{"name":"tea"}'), Schema)).toEqual({ name: 'tea' });
    expect(parseJsonBody(event('  '), Schema)).toEqual({});
  });

  it('refuses text that is not JSON with invalid_json', () => {
    expect(() => parseJsonBody(event('{name'), Schema)).toThrow(expect.objectContaining({ code: 'invalid_json' }) as BadRequestError);
  });

  it('lets the schema refuse a body that does not fit', () => {
    expect(() => parseJsonBody(event('{"name":3}'), Schema)).toThrow(z.ZodError);
  });

  it('refuses bodies over the admin limit unless the route allows more', () => {
    const big = event(JSON.stringify({ name: 'x'.repeat(MAX_ADMIN_BODY_BYTES) }));
    expect(() => parseJsonBody(big, Schema)).toThrow(PayloadTooLargeError);
    expect(parseJsonBody(big, Schema, 2 * MAX_ADMIN_BODY_BYTES).name).toHaveLength(MAX_ADMIN_BODY_BYTES);
  });
});
