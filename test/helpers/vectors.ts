// Published test vectors (pasted on purpose: their value is that others computed them).

/** RFC 7515 Appendix A.1: HS256 JWS; header {"typ":"JWT","alg":"HS256"} with CRLF inside the JSON. */
export const RFC7515_A1 = {
  jws:
    'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogI' +
    'mh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  header: { typ: 'JWT', alg: 'HS256' },
  claims: { iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true },
} as const;
