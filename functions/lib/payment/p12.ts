import forge from 'node-forge/lib/forge';
// PKCS#12 brings ASN.1, the password-based ciphers and X.509 (forge.pki) with it.
import 'node-forge/lib/pkcs12';
import { BadRequestError } from '../errors';

export interface MerchantCertificate {
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  subject: string;
}

/** The P12 itself is wrong: answered 400 with the reason, nothing stored. */
export class InvalidP12Error extends BadRequestError {
  override readonly name: string = 'InvalidP12Error';
  constructor(code: string, message: string) {
    super(message, code);
  }
}

/**
 * Opens a merchant's `apiclient_cert.p12` the way WeChat Pay will: with its password (the
 * mch_id unless the merchant changed it), expecting a private key and a certificate that is
 * valid now and names the merchant id.
 */
export function inspectMerchantP12(data: Buffer, password: string, mchId: string, now = new Date()): MerchantCertificate {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(data.toString('binary')), password);
  } catch {
    throw new InvalidP12Error('p12_unreadable', 'the P12 does not open: not a PKCS#12 file, or the password is wrong');
  }
  const bags = (type: string): forge.pkcs12.Bag[] => p12.getBags({ bagType: type })[type] ?? [];
  const keyBags = [...bags(forge.pki.oids.pkcs8ShroudedKeyBag!), ...bags(forge.pki.oids.keyBag!)];
  if (!keyBags.some((bag) => bag.key)) throw new InvalidP12Error('p12_no_private_key', 'the P12 holds no private key');
  const certificates = bags(forge.pki.oids.certBag!)
    .map((bag) => bag.cert)
    .filter((c): c is forge.pki.Certificate => Boolean(c));
  if (certificates.length === 0) throw new InvalidP12Error('p12_no_certificate', 'the P12 holds no certificate');
  // The merchant's own certificate names the mch_id (WeChat Pay puts it in the CN).
  const certificate = certificates.find((c) => c.subject.attributes.some((a) => String(a.value) === mchId));
  if (!certificate) {
    throw new InvalidP12Error('p12_wrong_merchant', `the certificate does not name merchant ${mchId} (subject: ${describe(certificates[0]!)})`);
  }
  if (certificate.validity.notAfter.getTime() <= now.getTime()) {
    throw new InvalidP12Error('p12_expired', `the certificate expired on ${certificate.validity.notAfter.toISOString()}`);
  }
  if (certificate.validity.notBefore.getTime() > now.getTime()) {
    throw new InvalidP12Error('p12_not_yet_valid', `the certificate is valid only from ${certificate.validity.notBefore.toISOString()}`);
  }
  return {
    serialNumber: certificate.serialNumber.toUpperCase(),
    notBefore: certificate.validity.notBefore.toISOString(),
    notAfter: certificate.validity.notAfter.toISOString(),
    subject: describe(certificate),
  };
}

function describe(certificate: forge.pki.Certificate): string {
  return certificate.subject.attributes.map((a) => `${a.shortName ?? a.name}=${String(a.value)}`).join(', ');
}
