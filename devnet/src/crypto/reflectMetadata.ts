import { createRequire } from 'node:module';

// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API
// before it loads. The polyfill is the one fabric-shim already brings for contract metadata,
// loaded from fabric-shim's own dependencies.
const require = createRequire(import.meta.url);
createRequire(require.resolve('fabric-shim'))('reflect-metadata');
