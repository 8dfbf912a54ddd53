package dev.tracegate.gateway.proxy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per tenant: {@code requestsPerSecond} on average, up to {@code burst} at once. Counted per gateway
 * replica, after authorization, so that callers without a valid token cannot use up a tenant's allowance.
 */
public final class TenantRateLimiter {

    private final double perSecond;
    private final double burst;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param requestsPerSecond 0 or less: no limit */
    public TenantRateLimiter(double requestsPerSecond, int burst, LongSupplier nanoTime) {
        this.perSecond = requestsPerSecond;
        this.burst = Math.max(1, burst > 0 ? burst : Math.ceil(requestsPerSecond));
        this.nanoTime = nanoTime;
    }

    public boolean enabled() {
        return perSecond > 0;
    }

    /** @return 0 when the request may go, else the whole seconds after which one will (for Retry-After) */
    public long acquire(String tenant) {
        if (!enabled()) {
            return 0;
        }
        return buckets.computeIfAbsent(tenant, t -> new Bucket(burst, nanoTime.getAsLong())).take(nanoTime.getAsLong());
    }

    private final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }

        synchronized long take(long now) {
            tokens = Math.min(burst, tokens + (now - refilledAt) / 1e9 * perSecond);
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
        }
    }
}
