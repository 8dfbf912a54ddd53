package dev.tracegate.provisioner.reconcile;

import dev.tracegate.provisioner.config.ProvisionerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Work queue of TempoGateway keys ("namespace/name"). A key is queued once however often it is asked for, and
 * never runs on two threads at once: a request that arrives while it runs makes it run once more afterwards.
 * Failures are retried with exponential backoff. Only the leader runs anything.
 */
@ApplicationScoped
public class ReconcileQueue {
    private static final Logger LOG = Logger.getLogger(ReconcileQueue.class);

    private final ScheduledExecutorService executor;
    private final Backoff backoff;
    private final BooleanSupplier leading;
    private final MeterRegistry meters;
    private final Set<String> queued = new HashSet<>();
    private final Set<String> running = new HashSet<>();
    private final Set<String> again = new HashSet<>();
    /** News that came while a key ran, each saying whether that run has seen it: the key runs again if one has not. */
    private final Map<String, List<BooleanSupplier>> againUnlessSeen = new HashMap<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private volatile Function<String, ReconcileResult> reconciler = key -> ReconcileResult.SKIPPED;

    @Inject
    public ReconcileQueue(ProvisionerConfig config, Leadership leadership, MeterRegistry meters) {
        this(config.workers(), new Backoff(config.backoff().initial(), config.backoff().max()), leadership::isLeader, meters);
    }

    /** @param leading whether this replica leads now: only the leader runs anything */
    ReconcileQueue(int workers, Backoff backoff, BooleanSupplier leading, MeterRegistry meters) {
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newScheduledThreadPool(workers, r -> {
            Thread t = new Thread(r, "tracegate-reconcile-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.backoff = backoff;
        this.leading = leading;
        this.meters = meters;
    }

    /** Sets what runs for each key; called once at start-up. */
    public void start(Function<String, ReconcileResult> reconciler) {
        this.reconciler = reconciler;
    }

    public void stop() {
        executor.shutdownNow();
    }

    public synchronized void enqueue(String key) {
        if (!leading.getAsBoolean() || executor.isShutdown()) {
            return;
        }
        if (running.contains(key)) {
            again.add(key);
        } else if (queued.add(key)) {
            executor.execute(() -> run(key));
        }
    }

    /**
     * As {@link #enqueue}, for news that the key's last reconcile may have taken in already (a Secret it read, a new
     * watch listing it, the TempoGateway's own add event when that watch's news started the reconcile first, the
     * Ingress or Route it wrote):
     * {@code seen} is asked when the key is idle, or once the run in progress ends.
     */
    public synchronized void enqueueUnlessSeen(String key, BooleanSupplier seen) {
        if (running.contains(key)) {
            againUnlessSeen.computeIfAbsent(key, k -> new ArrayList<>()).add(seen);
        } else if (!queued.contains(key) && !seen.getAsBoolean()) {
            enqueue(key);
        }
    }

    private void run(String key) {
        synchronized (this) {
            queued.remove(key);
            running.add(key);
        }
        ReconcileResult result = ReconcileResult.FAILED;
        long started = System.nanoTime();
        try {
            result = leading.getAsBoolean() ? reconciler.apply(key) : ReconcileResult.SKIPPED;
        } catch (RuntimeException e) {
            LOG.warnf("Reconcile of TempoGateway %s failed: %s", key, e.toString());
            LOG.debug("Reconcile failure", e);
        } catch (Error e) {
            // Said here: the executor keeps what its task throws to itself.
            LOG.errorf(e, "Reconcile of TempoGateway %s failed", key);
            throw e;
        } finally {
            // Even after an Error (a StackOverflowError, say): a key left "running" would never run again.
            finish(key, result, started);
        }
    }

    private void finish(String key, ReconcileResult result, long started) {
        meters.counter("tracegate.provisioner.reconciles", "result", result.tag()).increment();
        LOG.debugf("Reconciled TempoGateway %s in %d ms: %s", key, (System.nanoTime() - started) / 1_000_000, result.tag());
        synchronized (this) {
            running.remove(key);
            if (result.retry()) {
                int n = failures.merge(key, 1, Integer::sum);
                Duration delay = backoff.delay(n);
                LOG.debugf("Retrying TempoGateway %s in %s (failure %d in a row)", key, delay, n);
                if (!executor.isShutdown()) {
                    executor.schedule(() -> enqueue(key), delay.toMillis(), TimeUnit.MILLISECONDS);
                }
            } else {
                failures.remove(key);
            }
            boolean asked = again.remove(key);
            List<BooleanSupplier> news = againUnlessSeen.remove(key);
            if (asked || news != null && news.stream().anyMatch(seen -> !seen.getAsBoolean())) {
                enqueue(key);
            }
        }
    }
}
