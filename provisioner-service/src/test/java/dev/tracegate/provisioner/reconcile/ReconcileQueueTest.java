package dev.tracegate.provisioner.reconcile;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReconcileQueueTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ReconcileQueue queue = new ReconcileQueue(1, new Backoff(Duration.ofMillis(20), Duration.ofMillis(100)), () -> true, meters);

    @AfterEach
    void stop() {
        queue.stop();
    }

    /** A reconcile that throws an Error (a StackOverflowError on some pathological spec) is a failure, retried. */
    @Test
    void aKeyWhoseReconcileThrewAnErrorIsRetriedAndRunsAgainWhenAsked() {
        AtomicInteger runs = new AtomicInteger();
        queue.start(key -> {
            if (runs.incrementAndGet() == 1) {
                throw new StackOverflowError();
            }
            return ReconcileResult.READY;
        });

        queue.enqueue("ns/a");
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2);
        assertEquals(1.0, meters.counter("tracegate.provisioner.reconciles", "result", ReconcileResult.FAILED.tag()).count());

        queue.enqueue("ns/a");
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 3);
    }
}
