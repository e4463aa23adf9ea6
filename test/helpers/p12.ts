import forge from 'node-forge';

/** A merchant API certificate as WeChat Pay issues it (CN = mch_id), packed as a P12, for tests. */
export function makeMerchantP12({ mchId, password = mchId, notBefore = new Date(Date.now() - 86_400_000), notAfter = new Date(Date.now() + 365 * 86_400_000), withKey = true }: {
  mchId: string;
  password?: string;
  notBefore?: Date;
  notAfter?: Date;
  withKey?: boolean;
}): Buffer {
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '7A1B2C3D4E5F';
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const subject = [
    { name: 'commonName', value: mchId },
    { name: 'organizationalUnitName', value: 'Tenpay.com merchant' },
    { name: 'organizationName', value: 'Example Merchant' },
    { name: 'countryName', value: 'CN' },
  ];
  cert.setSubject(subject);
  cert.setIssuer([{ name: 'commonName', value: 'Test Tenpay CA' }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(withKey ? keys.privateKey : null, [cert], password, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}
