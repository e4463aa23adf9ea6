/**
 * node-forge's modules one by one: `node-forge` itself loads every part (TLS, SSH, PKCS#7,
 * the ciphers' modes…), 291 KB in a bundle; the P12 inspection needs PKCS#12 and what it
 * requires. Each part registers itself on the one forge object the package's types describe.
 */
declare module 'node-forge/lib/forge' {
  import forge from 'node-forge';
  export default forge;
}
declare module 'node-forge/lib/pkcs12';
