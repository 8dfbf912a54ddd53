package dev.tracegate.provisioner.gatewayconfig;

import dev.tracegate.provisioner.config.ProvisionerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The document each gateway is served, on every replica. Two rules:
 * <ul>
 * <li>Only a document that resolves and that the gateways' validator accepts is published; otherwise the last
 * published one keeps being served, marked stale, so running gateways keep working.</li>
 * <li>Changes are coalesced: a new document is published once its inputs have been quiet for
 * {@code tracegate.provisioner.publish.quiet-period} (at the latest after {@code max-delay}), so a source-Secret
 * rotation that rewrites N tenant Secrets within {@code max-delay} gives gateways one new document, not N. When
 * the reconcile that wrote them says which it wrote ({@link #awaitWrites}), the document is published as soon as
 * the caches hold them all.</li>
 * </ul>
 * Each gateway's document is published under a lock of its own: resolving one can ask the API server (a Secret the
 * caches lack, a TempoStack's CA ConfigMap), and a gateway's request for its document, or a reconcile's, should not
 * wait for another gateway's slow answer. The publishes that wait out a quiet period or a retry, and those a watch's
 * news makes due, run on a pool of {@code tracegate.provisioner.workers} threads of their own: never on a watch's
 * thread, which would hold up that watch's other news, and never all behind one slow gateway. A resolution that
 * fails is tried again after {@code tracegate.provisioner.backoff}, doubling, without waiting for a change.
 */
@ApplicationScoped
public class PublishedConfigs {
    private static final Logger LOG = Logger.getLogger(PublishedConfigs.class);
    static final String PUBLISHED = "tracegate.provisioner.config.published";

    /**
     * What a gateway is served.
     *
     * @param published the last document that resolved and validated; empty when there never was one
     * @param problem   why the current inputs give no publishable document; null when {@code published} is current
     */
    public record Answer(Optional<ConfigResolution.Resolved> published, ConfigResolution problem) {
        public boolean stale() {
            return problem != null && published.isPresent();
        }
    }

    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final ConfigChangeSignals signals;
    private final MeterRegistry meters;
    private final Duration quietPeriod;
    private final Duration maxDelay;
    private final Duration retryInitial;
    private final Duration retryMax;
    /** By gateway: the lock its publishing and pending changes are kept under; gone with the gateway. */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** By gateway: resolutions that failed in a row, while they do, and the retry scheduled. */
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> retries = new ConcurrentHashMap<>();
    /** Only tells when a publish is due: the publishers publish. */
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tracegate-publish-timer");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService publishers;
    private volatile Function<String, Optional<ConfigResolution>> resolver = key -> Optional.empty();
    private volatile Function<String, Optional<String>> cachedVersion = secret -> Optional.empty();
    /** By gateway: the Secrets ("namespace/name") its last reconcile wrote, to the resourceVersion written. */
    private final Map<String, Map<String, String>> awaited = new ConcurrentHashMap<>();

    public PublishedConfigs(ConfigChangeSignals signals, MeterRegistry meters, ProvisionerConfig config) {
        this.signals = signals;
        this.meters = meters;
        this.quietPeriod = config.publish().quietPeriod();
        this.maxDelay = config.publish().maxDelay();
        this.retryInitial = config.backoff().initial();
        this.retryMax = config.backoff().max();
        AtomicInteger threads = new AtomicInteger();
        this.publishers = Executors.newFixedThreadPool(config.workers(), r -> {
            Thread t = new Thread(r, "tracegate-publish-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code work} under the gateway's lock. A lock dropped while this waited for it (its gateway was deleted)
     * is not used: a gateway of that name created since has a new one, and two threads never work on one key at once.
     */
    private <T> T underLock(String key, Supplier<T> work) {
        for (;;) {
            Object lock = locks.computeIfAbsent(key, k -> new Object());
            synchronized (lock) {
                if (locks.get(key) == lock) {
                    return work.get();
                }
            }
        }
    }

    private void underLock(String key, Runnable work) {
        underLock(key, () -> {
            work.run();
            return null;
        });
    }

    /**
     * Called once at start-up.
     *
     * @param resolver      resolves a gateway's document from the caches (empty: no such gateway)
     * @param cachedVersion the resourceVersion of a Secret ("namespace/name") in the caches, empty when they have none
     */
    public void start(Function<String, Optional<ConfigResolution>> resolver, Function<String, Optional<String>> cachedVersion) {
        this.resolver = resolver;
        this.cachedVersion = cachedVersion;
    }

    /**
     * A reconcile of the gateway has written these Secrets ("namespace/name" to the resourceVersion written) and
     * no others: the document is complete once the caches hold them all, so it is published then, without
     * waiting out the quiet period.
     */
    public void awaitWrites(String key, Map<String, String> written) {
        if (written.isEmpty()) {
            return;
        }
        underLock(key, () -> {
            awaited.put(key, new HashMap<>(written));
            if (caughtUp(key)) {
                publish(key); // on the reconcile's thread, which may wait
            }
        });
    }


    public void stop() {
        timer.shutdownNow();
        publishers.shutdownNow();
    }

    /** What to serve the gateway now; the first request for a gateway publishes at once. */
    public Answer current(String key) {
        Answer answer = answers.get(key);
        return answer != null ? answer : publish(key);
    }

    /** An input of the gateway changed: publish when the changes stop (or at the latest after max-delay). */
    public void changed(String key) {
        underLock(key, () -> {
            if (caughtUp(key)) {
                publishSoon(key, () -> publish(key));
                return;
            }
            long now = System.nanoTime();
            Pending p = pending.get(key);
            if (p != null) {
                p.task.cancel(false);
            }
            long first = p == null ? now : p.firstChange;
            long delay = Math.min(quietPeriod.toNanos(), Math.max(0, first + maxDelay.toNanos() - now));
            ScheduledFuture<?> task = timer.schedule(() -> publishSoon(key, () -> underLock(key, () -> {
                pending.remove(key);
                publish(key);
            })), delay, TimeUnit.NANOSECONDS);
            pending.put(key, new Pending(first, task));
        });
    }

    /** On a publisher's thread: {@code publish} may wait for the API server. */
    private void publishSoon(String key, Runnable publish) {
        try {
            publishers.execute(publish);
        } catch (RejectedExecutionException stopped) {
            // Shutting down: nothing to publish to.
        }
    }

    /**
     * Whether the caches hold every Secret the gateway's last reconcile wrote: the document is complete, to be
     * published now (a change pending meanwhile is then no longer waited for).
     */
    private boolean caughtUp(String key) {
        Map<String, String> waiting = awaited.get(key);
        if (waiting == null) {
            return false;
        }
        waiting.entrySet().removeIf(w -> cachedVersion.apply(w.getKey()).filter(w.getValue()::equals).isPresent());
        if (!waiting.isEmpty()) {
            return false;
        }
        awaited.remove(key);
        Pending p = pending.remove(key);
        if (p != null) {
            p.task.cancel(false);
        }
        return true;
    }

    /** Resolves the gateway's document now and, when it differs from what is served, serves it and wakes long polls. */
    Answer publish(String key) {
        return underLock(key, () -> {
            Optional<ConfigResolution> resolution;
            try {
                resolution = resolver.apply(key);
            } catch (RuntimeException e) {
                retryLater(key, e);
                return answers.getOrDefault(key, new Answer(Optional.empty(), null));
            }
            failures.remove(key);
            Answer before = answers.get(key);
            if (resolution.isEmpty()) {
                forget(key);
                signals.signal(key);
                return new Answer(Optional.empty(), null);
            }
            Answer next;
            if (resolution.get() instanceof ConfigResolution.Resolved resolved) {
                next = new Answer(Optional.of(resolved), null);
            } else {
                next = new Answer(before == null ? Optional.empty() : before.published(), resolution.get());
            }
            answers.put(key, next);
            String etagBefore = before == null ? null : before.published().map(ConfigResolution.Resolved::etag).orElse(null);
            String etagNow = next.published().map(ConfigResolution.Resolved::etag).orElse(null);
            if (etagNow != null && !etagNow.equals(etagBefore)) {
                meters.counter(PUBLISHED, "gateway", key).increment();
                LOG.infof("Published the configuration of TempoGateway %s (ETag %s)", key, etagNow);
            }
            if (!Objects.equals(etagBefore, etagNow) || before == null || before.stale() != next.stale()) {
                signals.signal(key);
            }
            return next;
        });
    }

    /** The gateway is deleted: nothing of it is kept, its meter included (under its lock, which goes last). */
    private void forget(String key) {
        answers.remove(key);
        awaited.remove(key);
        Pending p = pending.remove(key);
        if (p != null) {
            p.task.cancel(false);
        }
        ScheduledFuture<?> retry = retries.remove(key);
        if (retry != null) {
            retry.cancel(false);
        }
        Counter published = meters.find(PUBLISHED).tag("gateway", key).counter();
        if (published != null) {
            meters.remove(published);
        }
        locks.remove(key);
    }

    /** Tries a failed resolution again, once at a time, unless a change is pending then (its publish comes first). */
    private void retryLater(String key, RuntimeException e) {
        int inARow = failures.merge(key, 1, Integer::sum);
        long delay = retryInitial.toNanos();
        for (int i = 1; i < inARow && delay < retryMax.toNanos(); i++) {
            delay = delay > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : delay * 2;
        }
        delay = Math.min(delay, retryMax.toNanos());
        String message = "Cannot resolve the configuration of TempoGateway %s: %s; trying again in %d ms";
        if (inARow == 1) {
            LOG.warnf(message, key, e.getMessage(), TimeUnit.NANOSECONDS.toMillis(delay));
        } else {
            LOG.debugf(message, key, e.getMessage(), TimeUnit.NANOSECONDS.toMillis(delay));
        }
        if (retries.containsKey(key)) {
            return;
        }
        try {
            retries.put(key, timer.schedule(() -> publishSoon(key, () -> underLock(key, () -> {
                retries.remove(key);
                if (!pending.containsKey(key) && failures.containsKey(key)) {
                    publish(key);
                }
            })), delay, TimeUnit.NANOSECONDS));
        } catch (RejectedExecutionException stopped) {
            // Shutting down: nothing to publish to.
        }
    }

    private record Pending(long firstChange, ScheduledFuture<?> task) {
    }
}
