package dev.tracegate.gateway.tenant;

import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.runtime.OidcUtils;

import dev.tracegate.tenants.TenantsDocument;
import dev.tracegate.tenants.TenantsDocument.Oidc;

/**
 * One tenant as the gateway serves it: {@code name} is in the URL, {@code id} goes to Tempo as X-Scope-OrgID.
 * {@code oidcConfig} is built once per change of the tenant's OIDC settings, so quarkus-oidc keeps its connection
 * to the issuer (keys, metadata) for as long as they stay the same.
 */
public record Tenant(String name, String id, Oidc oidc, OidcTenantConfig oidcConfig) {

    /** Claim that names the subject for role bindings of kind user. */
    public String usernameClaim() {
        return oidc.usernameClaim() == null ? "sub" : oidc.usernameClaim();
    }

    /** Claim that lists the subject's groups; {@code null} when the tenant has no group claim. */
    public String groupClaim() {
        return oidc.groupClaim();
    }

    /** Path of the browser sign-in callback; a tenant's redirectURL must end in it. */
    public String callbackPath() {
        return callbackPath(name);
    }

    public static String callbackPath(String tenantName) {
        return TenantsDocument.callbackPath(tenantName);
    }

    /** Path of the page the callback sends a browser to when the issuer answered the sign-in with an error. */
    public static String errorPath(String tenantName) {
        return "/oidc/" + tenantName + "/error";
    }

    /** The browser session cookie's name: quarkus-oidc's own, from the tenant's configuration. */
    public String sessionCookieName() {
        return OidcUtils.getSessionCookieName(oidcConfig);
    }

    /**
     * Whether a cookie is this tenant's session: the session cookie, or one of the chunks quarkus-oidc splits a large
     * one into ({@code <name>_chunk_1}, {@code _chunk_2}...). Exactly the names it writes: a prefix would also take
     * in cookies it never wrote for this tenant.
     */
    public boolean isSessionCookie(String cookieName) {
        String session = sessionCookieName();
        if (cookieName.equals(session)) {
            return true;
        }
        String chunk = session + OidcUtils.SESSION_COOKIE_CHUNK;
        return cookieName.length() > chunk.length() && cookieName.startsWith(chunk)
                && cookieName.substring(chunk.length()).chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
