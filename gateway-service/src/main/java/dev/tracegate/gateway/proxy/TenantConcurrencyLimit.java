package dev.tracegate.gateway.proxy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * At most {@code limit} requests of each tenant in flight at once through one gateway replica, from authorization
 * to the end of the answer. A rate limit cannot bound what a request holds while it lasts: a client that trickles a
 * body or reads an answer slowly keeps a pooled connection to Tempo for as long as bytes keep coming, and enough of
 * them would take every connection other tenants wait for.
 */
public final class TenantConcurrencyLimit {

    private final int limit;
    private final BiConsumer<String, AtomicInteger> counting;
    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    /**
     * @param limit    0 or less: no limit
     * @param counting told of each tenant's counter when the tenant's first request creates it (for a gauge)
     */
    public TenantConcurrencyLimit(int limit, BiConsumer<String, AtomicInteger> counting) {
        this.limit = limit;
        this.counting = counting;
    }

    public boolean enabled() {
        return limit > 0;
    }

    public int limit() {
        return limit;
    }

    /** @return whether the request may go on; if it may (and the limit is enabled), {@link #release} must follow once */
    public boolean tryAcquire(String tenant) {
        if (!enabled()) {
            return true;
        }
        AtomicInteger count = counter(tenant);
        for (int now = count.get(); now < limit; now = count.get()) {
            if (count.compareAndSet(now, now + 1)) {
                return true;
            }
        }
        return false;
    }

    public void release(String tenant) {
        if (enabled()) {
            counter(tenant).decrementAndGet();
        }
    }

    /** Requests of the tenant in flight now (0 when the limit is off: nothing is counted then). */
    public int inFlight(String tenant) {
        AtomicInteger count = inFlight.get(tenant);
        return count == null ? 0 : count.get();
    }

    /** The tenant's counter, created at its first request (a tenant removed later keeps one idle integer). */
    AtomicInteger counter(String tenant) {
        return inFlight.computeIfAbsent(tenant, t -> {
            AtomicInteger count = new AtomicInteger();
            counting.accept(t, count);
            return count;
        });
    }
}
