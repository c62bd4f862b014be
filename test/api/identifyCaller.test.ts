import { describe, expect, it } from 'vitest';
import { apiAccess, checkClientCertificate, clientTrust, identifyCaller, parseEntraPrincipal } from '../../src/api/index.js';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { makeCa, makeCertificate } from '../support/testCertificates.js';
import { X509Certificate } from 'node:crypto';

const STORAGE = { MTLS_STORAGE_CONNECTION: 'UseDevelopmentStorage=true' };
const principal = (claims: Array<[string, string]>) => Buffer.from(JSON.stringify({ auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims: claims.map(([typ, val]) => ({ typ, val })) })).toString('base64');
const OID = 'http://schemas.microsoft.com/identity/claims/objectidentifier';

describe('Entra ID principal (App Service Authentication)', () => {
  it('reads the UPN, object id and the API app roles, dropping roles it does not know', () => {
    const p = parseEntraPrincipal(principal([['preferred_username', 'ann@contoso.example'], [OID, '0b1d0000-0000-4000-8000-000000000001'], ['roles', 'Operator'], ['roles', 'Global.Admin']]));
    expect(p).toEqual({ name: 'ann@contoso.example', objectId: '0b1d0000-0000-4000-8000-000000000001', roles: ['Operator'] });
  });

  it.each([['not base64 JSON', '!!!'], ['JSON without claims', Buffer.from('{}').toString('base64')], ['empty', '']])('gives no principal for %s', (_n, header) => {
    expect(parseEntraPrincipal(header)).toBeUndefined();
  });

  it('is the identity only with MTLS_API_AUTH=entra; otherwise the same request is the key holder (Reader)', async () => {
    const ca = await makeCa('ca');
    const leaf = await makeCertificate({ cn: 'user-device', issuer: ca });
    const creds = { certificate: new X509Certificate(leaf.cert), principal: principal([['preferred_username', 'ann@contoso.example'], [OID, 'oid-1'], ['roles', 'ExemptionApprover']]), key: true, keyHolder: 'function key holder' };
    const off = loadConfig({ ...STORAGE, MTLS_API_CLIENT_CA: ca.cert });
    const on = loadConfig({ ...STORAGE, MTLS_API_CLIENT_CA: ca.cert, MTLS_API_AUTH: 'entra' });

    const ignored = identifyCaller(apiAccess(off.api), creds, new Date());
    const trusted = identifyCaller(apiAccess(on.api), creds, new Date());

    expect(ignored).toMatchObject({ ok: true, identity: { kind: 'key', roles: ['Reader'] } });
    expect(trusted).toEqual({ ok: true, identity: { kind: 'entra', actor: 'ann@contoso.example (oid oid-1)', roles: ['ExemptionApprover'], aliases: ['ann@contoso.example', 'oid-1'] } });
    // The certificate gate still comes first: an Entra principal does not open the door for a bad certificate.
    const stranger = await makeCertificate({ cn: 'user-device' });
    expect(identifyCaller(apiAccess(on.api), { ...creds, certificate: new X509Certificate(stranger.cert) }, new Date())).toMatchObject({ ok: false, status: 403 });
  });
});

describe('API access settings', () => {
  it('parses role mappings, thumbprints in the portal\'s form, and key roles', () => {
    const config = loadConfig({ ...STORAGE, MTLS_API_CERT_ROLES: 'CN=sec-ops:Operator,ExemptionApprover; AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:Reader', MTLS_API_CLIENT_THUMBPRINTS: 'ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01', MTLS_API_KEY_ROLES: 'Reader,Operator' });
    expect(config.api).toMatchObject({
      certRoles: [{ match: 'CN=sec-ops', roles: ['Operator', 'ExemptionApprover'] }, { match: 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01', roles: ['Reader'] }],
      clientThumbprints: ['ABCDEF0123456789ABCDEF0123456789ABCDEF01'],
      keyRoles: ['Reader', 'Operator'],
      auth: 'none',
    });
    expect(loadConfig(STORAGE).api.keyRoles).toEqual(['Reader']);
  });

  it.each([
    ['MTLS_API_CERT_ROLES', 'CN=x:Admin'],
    ['MTLS_API_CERT_ROLES', 'CN=x'],
    ['MTLS_API_CLIENT_THUMBPRINTS', 'not-a-thumbprint'],
    ['MTLS_API_CLIENT_CA', 'not a pem'],
    ['MTLS_API_CLIENT_CA', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'],
    ['MTLS_API_AUTH', 'basic'],
    ['MTLS_API_KEY_ROLES', 'Root'],
  ])('refuses %s=%s, naming the setting', (name, value) => {
    expect(() => loadConfig({ ...STORAGE, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...STORAGE, [name]: value })).toThrow(name);
  });
});

describe('the certificate checks one by one (checkClientCertificate)', () => {
  it('applies the subject/SAN allow-list after the chain, and pins by SHA-1 as the portal shows it', async () => {
    const ca = await makeCa('allow-list CA');
    const ops = new X509Certificate((await makeCertificate({ cn: 'ops', issuer: ca, email: 'ops@contoso.example' })).cert);
    const dev = new X509Certificate((await makeCertificate({ cn: 'dev', issuer: ca })).cert);
    const now = new Date();
    const bySubject = clientTrust({ clientCaPem: ca.cert, clientThumbprints: [], subjectAllowList: ['cn=dev'] });
    const bySan = clientTrust({ clientCaPem: ca.cert, clientThumbprints: [], subjectAllowList: ['email:ops@contoso.example'] });

    expect(checkClientCertificate(dev, bySubject, now)).toMatchObject({ ok: true, cert: { subject: 'CN=dev' } });
    expect(checkClientCertificate(ops, bySubject, now)).toEqual({ ok: false, reason: 'client certificate subject is not in MTLS_API_CLIENT_SUBJECTS' });
    expect(checkClientCertificate(ops, bySan, now)).toMatchObject({ ok: true, cert: { names: ['CN=ops', 'email:ops@contoso.example'] } });

    const selfSigned = new X509Certificate((await makeCertificate({ cn: 'pinned-by-sha1' })).cert);
    const pinned = clientTrust({ clientThumbprints: [selfSigned.fingerprint], subjectAllowList: [] });
    expect(checkClientCertificate(selfSigned, pinned, now)).toMatchObject({ ok: true });
    expect(checkClientCertificate(dev, pinned, now)).toMatchObject({ ok: false, reason: expect.stringMatching(/not issued by a trusted client CA/) });
    expect(checkClientCertificate(dev, clientTrust({ clientThumbprints: [], subjectAllowList: [] }), now)).toMatchObject({ ok: false, reason: expect.stringMatching(/no client CA or thumbprint is configured/) });
  });
});
