import { createRequire } from 'node:module';

const limit = 64;

/**
 * fabric-shim's `ClientIdentity` parses the caller's certificate on every invocation with
 * @fidm/x509, a JavaScript ASN.1 parser: about a tenth of devnet's busy CPU, for the same few
 * certificates. The parse is a pure function of the PEM and `ClientIdentity` only reads the
 * result, so `Certificate.fromPEM` (the module fabric-shim itself loads) is memoized per PEM.
 */
export function cacheShimCertificateParsing(): void {
  const fromShim = createRequire(createRequire(import.meta.url).resolve('fabric-shim'));
  const { Certificate } = fromShim('@fidm/x509') as {
    Certificate: { fromPEM: (pem: string | Buffer) => unknown; memoized?: boolean };
  };
  if (Certificate.memoized) return;
  const parse = Certificate.fromPEM.bind(Certificate);
  const parsed = new Map<string, unknown>();
  Certificate.fromPEM = (pem) => {
    const key = String(pem);
    let certificate = parsed.get(key);
    if (!certificate) {
      certificate = parse(pem);
      if (parsed.size >= limit) parsed.delete(parsed.keys().next().value as string);
      parsed.set(key, certificate);
    }
    return certificate;
  };
  Certificate.memoized = true;
}
