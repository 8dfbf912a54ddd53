package dev.tracegate.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.tracegate.tenants.rbac.Caller;
import dev.tracegate.gateway.tenant.Tenant;
import dev.tracegate.gateway.tenant.TenantOidcConfigs;
import dev.tracegate.tenants.TenantsDocument.Oidc;
import dev.tracegate.testsupport.ManualClock;

/** A verified token is reused only for the same tenant configuration, and never past its expiry. */
class VerifiedTokenCacheTest {

    private static final Oidc OIDC = new Oidc("http://issuer.example/realms/a", null, "email", "groups", "client",
            null, null, null, null, null);
    private static final Caller ALICE = new Caller("alice@example.com", Set.of("readers"));

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T12:00:00Z"));
    private final VerifiedTokenCache cache = new VerifiedTokenCache(100, Duration.ofMinutes(5), clock);
    private final Tenant tenantA = tenant("a");

    private static Tenant tenant(String name) {
        return new Tenant(name, name, OIDC,
                TenantOidcConfigs.build(name, OIDC, Optional.empty(), Optional.empty(), true,
                        Duration.ofSeconds(30), Optional.empty()));
    }

    private long inSeconds(long seconds) {
        return clock.millis() / 1000 + seconds;
    }

    @Test
    void aVerifiedTokenIsRememberedForItsTenant() {
        cache.put(tenantA, "token-1", ALICE, inSeconds(60));
        assertEquals(ALICE, cache.get(tenantA, "token-1"));
        assertNull(cache.get(tenantA, "token-2"));
        assertNull(cache.get(tenant("b"), "token-1"), "another tenant verifies for itself");
    }

    @Test
    void notPastItsExpiryNorTheMaximumAge() {
        cache.put(tenantA, "short", ALICE, inSeconds(30));
        cache.put(tenantA, "long", ALICE, inSeconds(3600));
        clock.advance(Duration.ofSeconds(31));
        assertNull(cache.get(tenantA, "short"));
        assertEquals(ALICE, cache.get(tenantA, "long"));
        clock.advance(Duration.ofMinutes(5));
        assertNull(cache.get(tenantA, "long"), "five minutes at most");
    }

    @Test
    void aReloadedTenantVerifiesAfresh() {
        cache.put(tenantA, "token-1", ALICE, inSeconds(60));
        Tenant reloaded = tenant("a");
        assertNull(cache.get(reloaded, "token-1"));
    }

    @Test
    void expiredTokensAreNeverStoredAndSizeIsBounded() {
        cache.put(tenantA, "old", ALICE, inSeconds(-1));
        assertNull(cache.get(tenantA, "old"));
        for (int i = 0; i < 250; i++) {
            cache.put(tenantA, "t" + i, ALICE, inSeconds(60));
        }
        org.junit.jupiter.api.Assertions.assertTrue(cache.size() <= 100);
    }

    @Test
    void tokensOfOneHashCodeAreKeptApart() {
        // "Aa" and "BB" have the same String.hashCode: the whole token decides, not a hash of it.
        cache.put(tenantA, "xAa", ALICE, inSeconds(60));
        assertEquals("xAa".hashCode(), "xBB".hashCode());
        assertNull(cache.get(tenantA, "xBB"));
        assertEquals(ALICE, cache.get(tenantA, "xAa"));
    }

    @Test
    void theCharactersOfAllTokensAreBounded() {
        VerifiedTokenCache roomy = new VerifiedTokenCache(1_000_000, Duration.ofMinutes(5), clock);
        String big = "x".repeat(64 * 1024);
        long fits = VerifiedTokenCache.MAX_TOKEN_CHARS / big.length();
        for (int i = 0; i < fits + 10; i++) {
            roomy.put(tenantA, i + big, ALICE, inSeconds(60));
        }
        org.junit.jupiter.api.Assertions.assertTrue(roomy.size() <= fits, "at most " + fits + " tokens of 64 K");
        assertEquals(ALICE, roomy.get(tenantA, (fits + 9) + big), "the latest token is kept");
    }

    @Test
    void sizeZeroTurnsItOff() {
        VerifiedTokenCache off = new VerifiedTokenCache(0, Duration.ofMinutes(5), clock);
        off.put(tenantA, "token-1", ALICE, inSeconds(60));
        assertNull(off.get(tenantA, "token-1"));
    }
}
