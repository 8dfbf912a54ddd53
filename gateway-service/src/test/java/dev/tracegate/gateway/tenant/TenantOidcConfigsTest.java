package dev.tracegate.gateway.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.quarkus.oidc.OidcTenantConfig;

import dev.tracegate.tenants.TenantsDocument.Oidc;

/**
 * Where the issuer sends a tenant's browsers back to (its redirectURL, else tracegate.public-url, else the Host) and
 * where the callback then sends them after an issuer's error (beside it), which scopes the sign-in asks it for, and
 * which cookies hold the session.
 */
class TenantOidcConfigsTest {

    private static final Optional<String> PUBLIC_URL = Optional.of("https://tempo.example.com");

    @Test
    void aTenantsRedirectUrlWinsOverThePublicUrl() {
        OidcTenantConfig config = build(oidc("http://team-a.example/oidc/team-a/callback"), PUBLIC_URL);
        assertEquals(Optional.of("http://team-a.example/oidc/team-a/callback"), config.authentication().redirectPath());
        assertEquals(Optional.of("http://team-a.example/oidc/team-a/error"), config.authentication().errorPath());
        assertFalse(config.authentication().cookieForceSecure());
    }

    @Test
    void withoutOneThePublicUrlsCallbackIsTheRedirectUri() {
        OidcTenantConfig config = build(oidc(null), PUBLIC_URL);
        assertEquals(Optional.of("https://tempo.example.com/oidc/team-a/callback"),
                config.authentication().redirectPath());
        assertEquals(Optional.of("https://tempo.example.com/oidc/team-a/error"), config.authentication().errorPath());
        assertTrue(config.authentication().cookieForceSecure());
    }

    @Test
    void withNeitherOnlyThePathIsConfiguredAndTheHostCompletesIt() {
        OidcTenantConfig config = build(oidc(null), Optional.empty());
        assertEquals(Optional.of("/oidc/team-a/callback"), config.authentication().redirectPath());
        assertEquals(Optional.of("/oidc/team-a/error"), config.authentication().errorPath());
        assertFalse(config.authentication().cookieForceSecure());
    }

    @Test
    void withoutScopesTheSignInAsksForProfileAndEmail() {
        OidcTenantConfig config = build(oidc(null), PUBLIC_URL);
        assertEquals(Optional.of(List.of("profile", "email")), config.authentication().scopes());
    }

    @Test
    void aTenantsScopesReplaceTheDefaultAndOpenidIsNotAskedForTwice() {
        OidcTenantConfig config = build(oidc(null, List.of("openid", "profile", "email", "groups", "groups")), PUBLIC_URL);
        assertEquals(Optional.of(List.of("profile", "email", "groups")), config.authentication().scopes(),
                "quarkus-oidc adds openid itself");
    }

    /**
     * The session cookie is the one quarkus-oidc sets for the tenant, and its pieces are the chunks quarkus-oidc
     * writes, {@code _chunk_<n>}: no cookie that merely starts alike.
     */
    @Test
    void theSessionCookieIsQuarkusOidcsWithExactlyItsChunks() {
        Oidc oidc = oidc(null);
        Tenant tenant = new Tenant("team-a", "team-a-org", oidc, build(oidc, PUBLIC_URL));
        assertEquals("q_session_team-a", tenant.sessionCookieName());
        for (String cookie : List.of("q_session_team-a", "q_session_team-a_chunk_1", "q_session_team-a_chunk_12")) {
            assertTrue(tenant.isSessionCookie(cookie), cookie);
        }
        for (String cookie : List.of("q_session_team-a_chunk_", "q_session_team-a_chunk_x",
                "q_session_team-a_chunk_1.b", "q_session_team-a_chunk_1_chunk_1", "q_session_team-ab",
                "q_session_team-b", "q_session", "q_auth_team-a")) {
            assertFalse(tenant.isSessionCookie(cookie), cookie);
        }
    }

    private static Oidc oidc(String redirectUrl) {
        return oidc(redirectUrl, null);
    }

    private static Oidc oidc(String redirectUrl, List<String> scopes) {
        return new Oidc("http://issuer.example/realms/a", redirectUrl, "email", "groups", "tracegate-a", null, null,
                null, scopes, null);
    }

    private static OidcTenantConfig build(Oidc oidc, Optional<String> publicUrl) {
        return TenantOidcConfigs.build("team-a", oidc, Optional.empty(), Optional.empty(), true,
                Duration.ofSeconds(30), publicUrl);
    }
}
