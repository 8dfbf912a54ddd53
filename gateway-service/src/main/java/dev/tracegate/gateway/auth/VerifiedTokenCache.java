package dev.tracegate.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.quarkus.oidc.OidcTenantConfig;

import dev.tracegate.tenants.rbac.Caller;
import dev.tracegate.gateway.tenant.Tenant;

/**
 * Bearer tokens already verified for a tenant, remembered until they expire (and at most {@code maxAge}), so that a
 * client sending the same token many times is verified once; Envoy's jwt_authn caches the same way. A verdict is
 * only reused for the very tenant configuration that reached it: a reloaded tenant verifies afresh.
 * <p>
 * The key is the token itself, compared whole with {@code equals}: no digest per request (SHA-256 of every token
 * cost 1.5-2.5 % of the gateway's CPU), and no two tokens can share an entry. Only tokens that passed verification
 * are stored (made-up ones never are), and the key is {@link Comparable} so that even many keys of one
 * {@code hashCode} cost a tree lookup, not a list walk. Tokens stay in process memory only, as they already are
 * while their request is served. Memory is bounded twice: at most {@code maxEntries} tokens and at most
 * {@link #MAX_TOKEN_CHARS} characters of tokens in all (a JWT's characters are ASCII: one byte each), so large tokens
 * cannot grow the heap past a few MiB.
 */
public final class VerifiedTokenCache {

    private record Key(String tenant, String token) implements Comparable<Key> {

        /** Characters of the token's end that go into its hash. */
        private static final int HASHED_TAIL = 32;

        /**
         * Hashes the tenant and the token's last characters only: a JWT ends in its signature, as good as random, and
         * the token (often over 1 KB) is a new String on every request, so a whole-token hash (String's own) was
         * recomputed each time and cost about 3 % of the gateway's CPU. {@link #equals} still compares whole tokens.
         */
        @Override
        public int hashCode() {
            int hash = tenant.hashCode();
            for (int i = Math.max(0, token.length() - HASHED_TAIL); i < token.length(); i++) {
                hash = 31 * hash + token.charAt(i);
            }
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && token.equals(key.token) && tenant.equals(key.tenant);
        }

        @Override
        public int compareTo(Key other) {
            int byTenant = tenant.compareTo(other.tenant);
            return byTenant != 0 ? byTenant : token.compareTo(other.token);
        }
    }

    private record Entry(OidcTenantConfig config, Caller caller, long expiresAtMillis) {
    }

    /**
     * All cached tokens together: 8 MiB, so that even 2,000 (the default size) unusually large tokens of 4 KB fit;
     * typical tokens (a Keycloak access token is about 1.3 KB) reach the entry limit long before this one.
     */
    static final long MAX_TOKEN_CHARS = 8L << 20;

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong tokenChars = new AtomicLong();
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
        Key key = new Key(tenant.name(), token);
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (entry.config() != tenant.oidcConfig() || entry.expiresAtMillis() <= clock.millis()) {
            if (entries.remove(key, entry)) {
                forget(key);
            }
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
        if (entries.size() >= maxEntries || tokenChars.get() + token.length() > MAX_TOKEN_CHARS) {
            // Counted only when this call removed the entry, so concurrent callers never subtract a token twice.
            entries.forEach((k, e) -> {
                if (e.expiresAtMillis() <= now && entries.remove(k, e)) {
                    forget(k);
                }
            });
            if (entries.size() >= maxEntries || tokenChars.get() + token.length() > MAX_TOKEN_CHARS) {
                // Full of live tokens: start over rather than track recency on the hot path.
                entries.clear();
                tokenChars.set(0);
            }
        }
        if (entries.put(new Key(tenant.name(), token), new Entry(tenant.oidcConfig(), caller, until)) == null) {
            tokenChars.addAndGet(token.length());
        }
    }

    private void forget(Key key) {
        tokenChars.addAndGet(-key.token().length());
    }

    int size() {
        return entries.size();
    }
}
