// A real OpenID Connect provider (the `oidc-provider` package) for the test suite.
//
// node tests/oidc/provider.mjs CONFIG.json
//
// CONFIG names the port, the private signing keys (a JWKS), the clients, and a file of
// accounts that is read again on every lookup, so a test removes a user or a group by
// rewriting that file. The provider prints "listening <issuer>" once it serves.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;
const API = 'urn:pathways:api';

function accounts() {
  return JSON.parse(readFileSync(config.accounts, 'utf8'));
}

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: config.jwks,
  cookies: { keys: ['tests-only-cookie-key'] },
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'email', 'offline_access', 'api'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username', 'organisation', 'groups'],
    email: ['email'],
  },
  clockTolerance: 0,
  ttl: { IdToken: 3600, AccessToken: config.accessTokenTtl ?? 3600, RefreshToken: 86400 },
  // Every sign-in of a client allowed to refresh gets a refresh token, as Keycloak does.
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  // Its own outgoing requests (back-channel logout) refuse loopback addresses against
  // SSRF; here both ends are on 127.0.0.1 on purpose.
  fetch(url, options) {
    const { dispatcher: _ssrfGuard, ...rest } = options;
    return globalThis.fetch(url, rest);
  },
  features: {
    devInteractions: { enabled: true },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Only client-credentials grants ask for the API as an audience; a sign-in's
      // access token stays opaque and is good for userinfo.
      defaultResource: (ctx) => (ctx.oidc.route === 'token' && ctx.oidc.params.grant_type === 'client_credentials' ? API : undefined),
      useGrantedResource: () => false,
      getResourceServerInfo: () => ({ scope: 'api', audience: API, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
    },
  },
  // First-party clients: grant what is asked without a consent screen.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email offline_access');
    await grant.save();
    return grant;
  },
  async findAccount(_ctx, id) {
    const account = accounts()[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...account };
      },
    };
  },
});

provider.on('backchannel.error', (_ctx, err, clientId) => console.log(`backchannel.error ${err} ${err.cause}`));
provider.on('backchannel.success', (_ctx, clientId) => console.log(`backchannel.success ${clientId}`));
provider.on('grant.success', (ctx) => console.log(`grant.success ${ctx.oidc.params.grant_type}`));
provider.on('server_error', (_ctx, err) => console.log(`server_error ${err}`));

provider.listen(config.port, '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});
