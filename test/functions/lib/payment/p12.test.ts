import { inspectMerchantP12, InvalidP12Error } from '../../../../functions/lib/payment/p12';
import { makeMerchantP12 } from '../../../helpers/p12';

describe('inspectMerchantP12()', () => {
  it('reads a valid merchant certificate opened with the mch_id', () => {
    const cert = inspectMerchantP12(makeMerchantP12({ mchId: '1900009191' }), '1900009191', '1900009191');
    expect(cert).toMatchObject({ serialNumber: '7A1B2C3D4E5F', subject: expect.stringContaining('CN=1900009191') });
    expect(Date.parse(cert.notAfter)).toBeGreaterThan(Date.now());
  });

  it.each([
    ['a wrong password', () => inspectMerchantP12(makeMerchantP12({ mchId: '1900009191', password: 'other' }), '1900009191', '1900009191'), 'p12_unreadable'],
    ['bytes that are not a P12', () => inspectMerchantP12(Buffer.from('not a p12 at all'), '1900009191', '1900009191'), 'p12_unreadable'],
    ['an expired certificate', () => inspectMerchantP12(makeMerchantP12({ mchId: '1900009191', notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') }), '1900009191', '1900009191'), 'p12_expired'],
    ['another merchant’s certificate', () => inspectMerchantP12(makeMerchantP12({ mchId: '1900000001', password: '1900009191' }), '1900009191', '1900009191'), 'p12_wrong_merchant'],
    ['a P12 without its private key', () => inspectMerchantP12(makeMerchantP12({ mchId: '1900009191', withKey: false }), '1900009191', '1900009191'), 'p12_no_private_key'],
  ])('refuses %s with the reason', (_, run, code) => {
    let error: unknown;
    try {
      run();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidP12Error);
    expect(error).toMatchObject({ statusCode: 400, code });
  });

  it('opens a P12 with only the PKCS#12 parts of node-forge loaded, as the Lambda bundle has them', () => {
    const p12 = makeMerchantP12({ mchId: '1900009191' });
    // A fresh module registry: nothing has loaded the whole of node-forge in it.
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const isolated = require('../../../../functions/lib/payment/p12') as typeof import('../../../../functions/lib/payment/p12');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const forge = require('node-forge/lib/forge') as { tls?: unknown; ssh?: unknown };
      expect(forge.tls).toBeUndefined();
      expect(forge.ssh).toBeUndefined();
      expect(isolated.inspectMerchantP12(p12, '1900009191', '1900009191')).toMatchObject({ serialNumber: '7A1B2C3D4E5F' });
    });
  });
});
