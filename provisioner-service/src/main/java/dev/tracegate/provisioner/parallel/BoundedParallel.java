package dev.tracegate.provisioner.parallel;

import dev.tracegate.provisioner.config.ProvisionerConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs one blocking call per item, at most {@code tracegate.provisioner.concurrent-calls} at once (the caller's
 * thread is one of them), so that a reconcile of a thousand tenants waits for a thousand round trips divided by
 * that number rather than for all of them in a row. Blocking: call from a worker thread, never an event loop.
 */
@ApplicationScoped
public class BoundedParallel {
    /**
     * @param done    the results of the items that ran, in the items' order (an item not run or failed has none)
     * @param failure the first exception a call threw, or null; items not started by then were not run
     */
    public record Results<R>(List<R> done, RuntimeException failure) {
    }

    private final int limit;
    private final ExecutorService helpers;

    public BoundedParallel(ProvisionerConfig config) {
        this.limit = Math.max(1, config.concurrentCalls());
        AtomicInteger threads = new AtomicInteger();
        this.helpers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "tracegate-call-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Applies {@code call} to every item; after a call throws, the items not yet started are skipped. */
    public <T, R> Results<R> map(List<T> items, Function<T, R> call) {
        Object[] results = new Object[items.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < items.size() && failure.get() == null; i = next.getAndIncrement()) {
                try {
                    results[i] = call.apply(items.get(i));
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }
        };
        List<Future<?>> running = new ArrayList<>();
        for (int w = 1; w < Math.min(limit, items.size()); w++) {
            running.add(helpers.submit(worker));
        }
        worker.run();
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.compareAndSet(null, new IllegalStateException("interrupted while waiting for parallel calls", e));
            } catch (ExecutionException e) {
                failure.compareAndSet(null, new IllegalStateException(e.getCause()));
            }
        }
        @SuppressWarnings("unchecked")
        List<R> done = (List<R>) Arrays.stream(results).filter(Objects::nonNull).toList();
        return new Results<>(done, failure.get());
    }

    @PreDestroy
    void stop() {
        helpers.shutdownNow();
    }
}
