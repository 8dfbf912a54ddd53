package dev.tracegate.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class TenantConcurrencyLimitTest {

    @Test
    void eachTenantHasItsOwnSlots() {
        List<String> counted = new ArrayList<>();
        TenantConcurrencyLimit limit = new TenantConcurrencyLimit(2, (tenant, count) -> counted.add(tenant));
        assertTrue(limit.tryAcquire("a"));
        assertTrue(limit.tryAcquire("a"));
        assertFalse(limit.tryAcquire("a"));
        assertTrue(limit.tryAcquire("b"));
        assertEquals(2, limit.inFlight("a"));
        limit.release("a");
        assertTrue(limit.tryAcquire("a"));
        assertEquals(List.of("a", "b"), counted, "one counter per tenant, announced once");
    }

    @Test
    void withoutALimitNothingIsCounted() {
        TenantConcurrencyLimit off = new TenantConcurrencyLimit(0, (tenant, count) -> {
            throw new AssertionError("no counter without a limit");
        });
        for (int i = 0; i < 1000; i++) {
            assertTrue(off.tryAcquire("a"));
        }
        off.release("a");
        assertEquals(0, off.inFlight("a"));
    }

    @Test
    void threadsRacingForTheSlotsNeverGetMoreThanTheLimit() throws Exception {
        TenantConcurrencyLimit limit = new TenantConcurrencyLimit(3, (tenant, count) -> {
        });
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Void>> racers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                racers.add(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        if (limit.tryAcquire("a")) {
                            most.accumulateAndGet(holding.incrementAndGet(), Math::max);
                            holding.decrementAndGet();
                            limit.release("a");
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> racer : threads.invokeAll(racers)) {
                racer.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertTrue(most.get() <= 3, "at most 3 at once, saw " + most.get());
        assertEquals(0, limit.inFlight("a"));
    }
}
