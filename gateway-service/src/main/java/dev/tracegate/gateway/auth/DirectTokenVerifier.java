package dev.tracegate.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;

import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import io.quarkus.oidc.runtime.TenantConfigBean;
import io.quarkus.oidc.runtime.TenantConfigContext;
import io.quarkus.security.credential.TokenCredential;

import dev.tracegate.gateway.tenant.Tenant;

/**
 * Verifies a bearer token at once, on the calling thread, by the very call with which quarkus-oidc verifies it
 * ({@code OidcProvider.verifyJwtToken}: the signature against the issuer's keys quarkus-oidc holds, its algorithm
 * allow-list, {@code iss}, {@code exp} and {@code nbf}, {@code aud}), without the layers quarkus-oidc's HTTP security
 * puts around that call for each request: a deferred identity, a Mutiny chain with context capture, the claims parsed
 * twice more, roles the gateway does not use. Without them, requests whose tokens no cache holds are served at
 * 1.1-1.3 times the rate they had through them (bench/README.md, "Twentieth round").
 * <p>
 * It only ever accepts. Whatever it is not sure of answers {@code null} and the request goes on through quarkus-oidc
 * as before, which connects to the issuer, fetches keys it lacks, takes up a changed tenant, and refuses with its
 * own reasons: no connection to the issuer yet, a tenant configuration quarkus-oidc has not taken up (the identity
 * test quarkus-oidc itself uses for "changed"), a key it does not hold, any failed check, a token that says it is not
 * an access token ({@code typ} other than {@code Bearer}: ID and refresh tokens). So a token that fails is checked
 * twice, here and by quarkus-oidc, which answers it. Its package is quarkus-oidc's {@code runtime}, not an API: an
 * upgrade of Quarkus must keep {@code DirectTokenVerifierTest} green.
 */
@ApplicationScoped
public class DirectTokenVerifier {

    private static final String TYP = "typ";
    /** The {@code typ} of Keycloak's access tokens; other issuers (Dex, Microsoft Entra ID) send none. */
    private static final String ACCESS_TOKEN_TYPE = "Bearer";

    private final TenantConfigBean quarkusOidcTenants;

    public DirectTokenVerifier(TenantConfigBean quarkusOidcTenants) {
        this.quarkusOidcTenants = quarkusOidcTenants;
    }

    /** The verified token of the tenant's caller, or {@code null} when quarkus-oidc must decide. */
    public JsonWebToken verify(Tenant tenant, String token) {
        TenantConfigContext context = quarkusOidcTenants.getDynamicTenant(tenant.name());
        if (context == null || !context.ready() || context.provider() == null
                || context.getOidcTenantConfig() != tenant.oidcConfig()) {
            return null;
        }
        JwtClaims claims;
        try {
            context.provider().verifyJwtToken(token, false, context.oidcConfig().token().subjectRequired(), null);
            claims = JwtClaims.parse(payload(token));
        } catch (InvalidJwtException | RuntimeException notSure) {
            // A bad token, a key not held, or a provider in the middle of a change: quarkus-oidc says which.
            return null;
        }
        Object type = claims.getClaimValue(TYP);
        if (type != null && !(type instanceof String s && s.equalsIgnoreCase(ACCESS_TOKEN_TYPE))) {
            return null;
        }
        // Not quarkus-oidc's AccessTokenCredential: its constructor decodes the claims once more (4 % of the CPU of
        // a request with a new token), to learn what is known here, that the token is a JWT.
        return new OidcJwtCallerPrincipal(claims, new TokenCredential(token, "bearer"),
                context.oidcConfig().token().principalClaim().orElse(null));
    }

    /** The claims' JSON of a compact JWS whose signature was just verified: header, payload and signature. */
    private static String payload(String token) {
        int first = token.indexOf('.');
        int second = token.indexOf('.', first + 1);
        return new String(Base64.getUrlDecoder().decode(token.substring(first + 1, second)), StandardCharsets.UTF_8);
    }
}
