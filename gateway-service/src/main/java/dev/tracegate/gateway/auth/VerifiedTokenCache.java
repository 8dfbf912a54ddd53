package dev.tracegate.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

import io.quarkus.oidc.OidcTenantConfig;

import dev.tracegate.tenants.rbac.Caller;
import dev.tracegate.gateway.tenant.Tenant;

/**
 * Bearer tokens already verified for a tenant, remembered until they expire (and at most {@code maxAge}), so that a
 * client sending the same token many times is verified once; Envoy's jwt_authn caches the same way. A verdict is
 * only reused for the very tenant configuration that reached it: a reloaded tenant verifies afresh. Tokens are kept
 * as SHA-256 digests, never in clear.
 */
public final class VerifiedTokenCache {

    private record Entry(OidcTenantConfig config, Caller caller, long expiresAtMillis) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final Duration maxAge;
    private final Clock clock;

    public VerifiedTokenCache(int maxEntries, Duration maxAge, Clock clock) {
        this.maxEntries = maxEntries;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** The caller this token was verified as for this tenant, or {@code null} when it must be verified. */
    public Caller get(Tenant tenant, String token) {
        if (maxEntries <= 0) {
            return null;
        }
        String key = key(tenant, token);
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (entry.config() != tenant.oidcConfig() || entry.expiresAtMillis() <= clock.millis()) {
            entries.remove(key, entry);
            return null;
        }
        return entry.caller();
    }

    /** @param expiresAtSeconds the token's {@code exp} (seconds since the epoch) */
    public void put(Tenant tenant, String token, Caller caller, long expiresAtSeconds) {
        if (maxEntries <= 0 || expiresAtSeconds <= 0) {
            return;
        }
        long now = clock.millis();
        long until = Math.min(expiresAtSeconds * 1000, now + maxAge.toMillis());
        if (until <= now) {
            return;
        }
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(e -> e.expiresAtMillis() <= now);
            if (entries.size() >= maxEntries) {
                // Full of live tokens: start over rather than track recency on the hot path.
                entries.clear();
            }
        }
        entries.put(key(tenant, token), new Entry(tenant.oidcConfig(), caller, until));
    }

    int size() {
        return entries.size();
    }

    private static String key(Tenant tenant, String token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(tenant.name().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            return Base64.getEncoder().encodeToString(sha.digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
