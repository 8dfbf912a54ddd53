package dev.tracegate.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The per-tenant token bucket, on a clock the test moves. */
class TenantRateLimiterTest {

    private final AtomicLong now = new AtomicLong();
    private final TenantRateLimiter limiter = new TenantRateLimiter(2, 4, now::get);

    private void advanceMillis(long millis) {
        now.addAndGet(millis * 1_000_000);
    }

    @Test
    void aBurstThenTheRate() {
        for (int i = 0; i < 4; i++) {
            assertEquals(0, limiter.acquire("a"), "burst of 4");
        }
        assertEquals(1, limiter.acquire("a"), "the fifth waits: Retry-After 1 s");
        advanceMillis(500);
        assertEquals(0, limiter.acquire("a"), "2 per second: one more after half a second");
        assertEquals(1, limiter.acquire("a"));
    }

    @Test
    void tenantsHaveTheirOwnBuckets() {
        for (int i = 0; i < 4; i++) {
            limiter.acquire("a");
        }
        assertEquals(0, limiter.acquire("b"));
    }

    @Test
    void aSlowRateAsksForALongerWait() {
        TenantRateLimiter slow = new TenantRateLimiter(0.1, 1, now::get);
        assertEquals(0, slow.acquire("a"));
        assertEquals(10, slow.acquire("a"));
        advanceMillis(5_000);
        assertEquals(5, slow.acquire("a"));
    }

    @Test
    void zeroMeansNoLimit() {
        TenantRateLimiter off = new TenantRateLimiter(0, 0, now::get);
        assertFalse(off.enabled());
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, off.acquire("a"));
        }
    }
}
