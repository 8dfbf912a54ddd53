package dev.tracegate.provisioner.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tracegate.provisioner.config.ProvisionerConfig;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Calls run a few at a time, results come back in the items' order, and a failure stops what has not started. */
class BoundedParallelTest {
    final BoundedParallel parallel = new BoundedParallel(concurrentCalls(4));

    @AfterEach
    void stop() {
        parallel.stop();
    }

    @Test
    void resultsComeBackInTheItemsOrder() {
        List<Integer> items = IntStream.range(0, 200).boxed().toList();

        BoundedParallel.Results<String> results = parallel.map(items, i -> "item-" + i);

        assertNull(results.failure());
        assertEquals(items.stream().map(i -> "item-" + i).toList(), results.done());
    }

    @Test
    void neverMoreCallsAtOnceThanTheLimitAndMoreThanOne() throws InterruptedException {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch fourStarted = new CountDownLatch(4);

        parallel.map(IntStream.range(0, 40).boxed().toList(), i -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            fourStarted.countDown();
            try {
                // Each call waits until four run at once (or gives up): proves they overlap without timing anything.
                fourStarted.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            return i;
        });

        assertEquals(4, most.get());
    }

    @Test
    void aFailureStopsTheCallsNotStartedAndIsReportedWithWhatWasDone() {
        IllegalStateException boom = new IllegalStateException("Grafana went away");
        AtomicInteger calls = new AtomicInteger();

        BoundedParallel.Results<Integer> results = new BoundedParallel(concurrentCalls(1)).map(IntStream.range(0, 100).boxed().toList(), i -> {
            calls.incrementAndGet();
            if (i == 10) {
                throw boom;
            }
            return i;
        });

        assertSame(boom, results.failure());
        assertEquals(IntStream.range(0, 10).boxed().toList(), results.done());
        assertEquals(11, calls.get());
    }

    private static ProvisionerConfig concurrentCalls(int n) {
        return (ProvisionerConfig) Proxy.newProxyInstance(ProvisionerConfig.class.getClassLoader(), new Class<?>[] {ProvisionerConfig.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("concurrentCalls")) {
                        return n;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
