/**
 * A self-signed certificate for 127.0.0.1 and localhost (valid until 2126),
 * standing in for an API server signed by a cluster's own CA. Test use only.
 */
export const TEST_TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgmT6u9fPbORROwlgI
Iw4RcUiE6Q7F9F+0fSdOOLoGYpmhRANCAATC5o2o38umEs1UUToWSWjqdfXTYcTp
5zqSrFUXHmUTZVTLjIBfmrWBPieQhlNNLbM302UVRhhP/VRGHPneB5+G
-----END PRIVATE KEY-----
`;

export const TEST_TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBrzCCAVWgAwIBAgIUJAR6PQg8/kesqWpQNMmsMYy9XNAwCgYIKoZIzj0EAwIw
HjEcMBoGA1UEAwwTa3ViZS1hcGlzZXJ2ZXIudGVzdDAgFw0yNjEyMDYyMjM0MDZa
GA8yMTI2MTExMjIyMzQwNlowHjEcMBoGA1UEAwwTa3ViZS1hcGlzZXJ2ZXIudGVz
dDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABMLmjajfy6YSzVRROhZJaOp19dNh
xOnnOpKsVRceZRNlVMuMgF+atYE+J5CGU00tszfTZRVGGE/9VEYc+d4Hn4ajbzBt
MB0GA1UdDgQWBBQ7KjwGGlTkBXZKfUoEXBmL/vDRSzAfBgNVHSMEGDAWgBQ7KjwG
GlTkBXZKfUoEXBmL/vDRSzAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwDwYD
VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEA+ODaGH436jqAfX7KkmeW
zVgNsuJQlH6sUqWnAeGxhUkCIDpKLcnDIZhjTp8EQMCeTuItWFn6iEJBcyIdtcIu
2Keg
-----END CERTIFICATE-----
`;

/** The certificate as a kubeconfig's `certificate-authority-data` holds it. */
export const TEST_TLS_CA_DATA = Buffer.from(TEST_TLS_CERT).toString('base64');
