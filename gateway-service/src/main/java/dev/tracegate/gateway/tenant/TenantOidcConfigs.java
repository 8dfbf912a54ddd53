package dev.tracegate.gateway.tenant;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.runtime.OidcTenantConfig.ApplicationType;
import io.quarkus.oidc.runtime.OidcTenantConfig.Authentication.CookieSameSite;

import dev.tracegate.tenants.TenantsDocument.Oidc;

/**
 * Builds the quarkus-oidc configuration of one tenant. Tokens are verified locally against the issuer's JWKS
 * (signature, {@code iss}, {@code exp}/{@code nbf}, {@code aud}); no introspection, so a token of another issuer or
 * for another client never passes.
 */
public final class TenantOidcConfigs {

    /** What the code flow asks for besides {@code openid} when the tenant names no {@code oidc.scopes}. */
    public static final List<String> DEFAULT_SCOPES = List.of("profile", "email");

    /** quarkus-oidc's wildcard audience. */
    private static final String ANY_AUDIENCE = "any";

    private TenantOidcConfigs() {
    }

    /**
     * @param tlsConfigurationName name of the TLS configuration trusting the tenant's issuer CA, if it has one
     * @param sessionSecret key for session cookies and login state shared by replicas, if configured
     * @param requireAudience whether a bearer token's aud must be the client id or one of the extra audiences
     * @param jwksRefreshInterval the least time between two JWKS fetches that unknown key ids force
     * @param publicUrl the gateway's external base URL (tracegate.public-url, no trailing slash), if configured
     */
    public static OidcTenantConfig build(String tenantName, Oidc oidc, Optional<String> tlsConfigurationName,
            Optional<String> sessionSecret, boolean requireAudience, Duration jwksRefreshInterval,
            Optional<String> publicUrl) {
        var audiences = new ArrayList<String>();
        audiences.add(oidc.clientID());
        if (oidc.audiences() != null) {
            audiences.addAll(oidc.audiences());
        }
        if (audiences.equals(List.of(ANY_AUDIENCE))) {
            // quarkus-oidc reads an audience list of this one word as "skip the audience check": a client named
            // "any" would accept tokens issued to every client of its issuer. Twice, it is a name like any other.
            audiences.add(ANY_AUDIENCE);
        }
        String redirectUri = redirectUri(tenantName, oidc, publicUrl);
        var builder = OidcTenantConfig.builder()
                .tenantId(tenantName)
                .authServerUrl(oidc.issuerURL())
                .clientId(oidc.clientID())
                // Bearer tokens from Grafana and exporters; a browser without one signs in by the code flow.
                .applicationType(ApplicationType.HYBRID)
                .token()
                    .audience(requireAudience ? audiences : List.of())
                    .principalClaim(oidc.usernameClaim() == null ? "sub" : oidc.usernameClaim())
                    .allowJwtIntrospection(false)
                    .allowOpaqueTokenIntrospection(false)
                    .forcedJwkRefreshInterval(jwksRefreshInterval)
                    .end()
                .authentication()
                    // An absolute redirect_uri: the request's Host never decides where the issuer sends the code,
                    // and the scheme is right behind a TLS-terminating Ingress. A path: quarkus-oidc adds the Host.
                    .redirectPath(redirectUri)
                    // An issuer's error (?error=access_denied&error_description=...) goes to the gateway's JSON page
                    // beside the callback. Without it quarkus-oidc logs the client-supplied description unescaped at
                    // ERROR and answers a bare 401.
                    .errorPath(URI.create(redirectUri).resolve(Tenant.errorPath(tenantName)).toString())
                    .cookieForceSecure(redirectUri.startsWith("https:"))
                    .restorePathAfterRedirect(true)
                    .removeRedirectParameters(true)
                    .pkceRequired(true)
                    .nonceRequired(true)
                    .cookiePath("/")
                    .cookieSameSite(CookieSameSite.LAX)
                    .scopes(codeFlowScopes(oidc))
                    .javaScriptAutoRedirect(false)
                    .end();
        // No logout path here: quarkus-oidc then requires the issuer to advertise end_session_endpoint, which Dex
        // (the TempoStack docs' issuer) does not; /oidc/<tenant>/logout decides per tenant from the discovery
        // document (browser.SignOut).
        if (oidc.clientSecret() != null && !oidc.clientSecret().isBlank()) {
            builder.credentials(oidc.clientSecret());
        }
        tlsConfigurationName.ifPresent(builder::tlsConfigurationName);
        sessionSecret.ifPresent(secret -> builder
                .authentication().stateSecret(secret).end()
                .tokenStateManager().encryptionSecret(secret).end());
        return builder.build();
    }

    /**
     * The scopes the code flow asks for besides {@code openid}, which quarkus-oidc always adds (and would send twice
     * if the list named it too). Per tenant: Dex puts groups in the ID token only when asked for the groups scope,
     * and Keycloak refuses a scope that is not one of the client's.
     */
    private static List<String> codeFlowScopes(Oidc oidc) {
        if (oidc.scopes() == null) {
            return DEFAULT_SCOPES;
        }
        return oidc.scopes().stream().filter(scope -> !scope.equals("openid")).distinct().toList();
    }

    /**
     * The code flow's redirect_uri: the tenant's redirectURL, else {@code <public-url>/oidc/<tenant>/callback}, else
     * only the path (a laptop, where the request's Host is the gateway's).
     */
    private static String redirectUri(String tenantName, Oidc oidc, Optional<String> publicUrl) {
        if (oidc.redirectURL() != null && !oidc.redirectURL().isBlank()) {
            return oidc.redirectURL();
        }
        return publicUrl.orElse("") + Tenant.callbackPath(tenantName);
    }
}
