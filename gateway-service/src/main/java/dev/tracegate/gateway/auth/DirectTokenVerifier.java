package dev.tracegate.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.lang.UnresolvableKeyException;

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
 * It decides only what quarkus-oidc would decide the same way. It accepts a token that passes the call. It refuses
 * one that fails it, unless for a key quarkus-oidc does not hold: quarkus-oidc's bearer path refuses on that very
 * exception from that very call, so it would only check the token a second time. Everything else is left
 * {@link Verdict#UNDECIDED}, and the request goes on through quarkus-oidc as before, which connects to the issuer,
 * fetches keys it lacks (and checks again), takes up a changed tenant, and answers with its own reasons: no
 * connection to the issuer yet, a tenant configuration quarkus-oidc has not taken up (the identity test quarkus-oidc
 * itself uses for "changed"), a key it does not hold, a token that says it is not an access token ({@code typ} other
 * than {@code Bearer}: ID and refresh tokens), anything else that throws. Its package is quarkus-oidc's
 * {@code runtime}, not an API: an upgrade of Quarkus must keep {@code DirectTokenVerifierTest} green.
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

    /**
     * What the direct verification made of a token: accepted, refused, or left to quarkus-oidc.
     *
     * @param token   the verified token of the tenant's caller when accepted, else null
     * @param refused whether quarkus-oidc would refuse the token on the same check
     */
    public record Verdict(JsonWebToken token, boolean refused) {
        public static final Verdict UNDECIDED = new Verdict(null, false);
        public static final Verdict REFUSED = new Verdict(null, true);
    }

    /** The verdict on the tenant's bearer token, with the keys and the configuration quarkus-oidc holds now. */
    public Verdict verify(Tenant tenant, String token) {
        TenantConfigContext context = quarkusOidcTenants.getDynamicTenant(tenant.name());
        if (context == null || !context.ready() || context.provider() == null
                || context.getOidcTenantConfig() != tenant.oidcConfig()) {
            return Verdict.UNDECIDED;
        }
        JwtClaims claims;
        try {
            context.provider().verifyJwtToken(token, false, context.oidcConfig().token().subjectRequired(), null);
            claims = JwtClaims.parse(payload(token));
        } catch (InvalidJwtException e) {
            // A key quarkus-oidc does not hold: it fetches the issuer's keys again before it decides.
            return e.getCause() instanceof UnresolvableKeyException ? Verdict.UNDECIDED : Verdict.REFUSED;
        } catch (RuntimeException notSure) {
            // A provider in the middle of a change, say: quarkus-oidc says what it is.
            return Verdict.UNDECIDED;
        }
        Object type = claims.getClaimValue(TYP);
        if (type != null && !(type instanceof String s && s.equalsIgnoreCase(ACCESS_TOKEN_TYPE))
                || CallerAuthenticator.ID_TOKEN_ONLY_CLAIMS.stream().anyMatch(claims::hasClaim)) {
            return Verdict.UNDECIDED; // quarkus-oidc and CallerAuthenticator decide what it is: an ID token is refused
        }
        // Not quarkus-oidc's AccessTokenCredential: its constructor decodes the claims once more (4 % of the CPU of
        // a request with a new token), to learn what is known here, that the token is a JWT.
        return new Verdict(new OidcJwtCallerPrincipal(claims, new TokenCredential(token, "bearer"),
                context.oidcConfig().token().principalClaim().orElse(null)), false);
    }

    /** The claims' JSON of a compact JWS whose signature was just verified: header, payload and signature. */
    private static String payload(String token) {
        int first = token.indexOf('.');
        int second = token.indexOf('.', first + 1);
        return new String(Base64.getUrlDecoder().decode(token.substring(first + 1, second)), StandardCharsets.UTF_8);
    }
}
