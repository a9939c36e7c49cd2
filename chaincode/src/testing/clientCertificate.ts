/**
 * A self-signed test certificate (its key was discarded). fabric-shim parses the caller's
 * certificate on every call, so a stub in a test needs a real one.
 */
export const clientCertificatePem = `-----BEGIN CERTIFICATE-----
MIIBrTCCAVOgAwIBAgIUSaUXsmn59mWTFtjdd/IZ68+nTn0wCgYIKoZIzj0EAwIw
KzEQMA4GA1UECgwHR1ggVGVzdDEXMBUGA1UEAwwOZ3gtdGVzdC1jbGllbnQwIBcN
MjYxMTI1MTcyMjU0WhgPMjEyNjExMDExNzIyNTRaMCsxEDAOBgNVBAoMB0dYIFRl
c3QxFzAVBgNVBAMMDmd4LXRlc3QtY2xpZW50MFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAE3YkAFg4WeLOkBCHDoITU6rYpb0FCdq6EFB3CAg4tGbnHqctXcqFR0HvM
F4qimL8Twlr59NzEyE3bKs0pMUuXIqNTMFEwHQYDVR0OBBYEFBLjmWjUJbfkXCY9
sNAJYx/ta0J9MB8GA1UdIwQYMBaAFBLjmWjUJbfkXCY9sNAJYx/ta0J9MA8GA1Ud
EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhANny2spFKeSpBj4j1kRF9xtV
qoNxMIDbe8zAtVtX/36YAiA+OcIjCb0fSEWVt3kJqUmwhDr98iFOv8JgndnnoxUd
2A==
-----END CERTIFICATE-----
`;
