package dev.tracegate.provisioner.api;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code perMinute} TokenReviews per client address and minute (fixed windows), so that a pod that
 * keeps sending new bad tokens cannot make the provisioner hammer the API server. Answers from the verdict
 * cache do not count.
 */
final class TokenReviewLimiter {
    private static final long WINDOW = Duration.ofMinutes(1).toNanos();
    private static final int MAX_CLIENTS = 10_000;

    private final int perMinute;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    TokenReviewLimiter(int perMinute) {
        this.perMinute = perMinute;
    }

    private record Window(long start, int used) {
    }

    /** True when this client may have one more review now (and counts it). */
    boolean tryAcquire(String client) {
        long now = System.nanoTime();
        if (windows.size() >= MAX_CLIENTS) {
            windows.entrySet().removeIf(e -> now - e.getValue().start() >= WINDOW);
        }
        Window window = windows.compute(client, (k, w) -> w == null || now - w.start() >= WINDOW
                ? new Window(now, 1) : new Window(w.start(), w.used() + 1));
        return window.used() <= perMinute;
    }

    /** Seconds until this client's window ends, for Retry-After. */
    long secondsUntilNextWindow(String client) {
        Window window = windows.get(client);
        long left = window == null ? 0 : WINDOW - (System.nanoTime() - window.start());
        return Math.max(1, Duration.ofNanos(left).toSeconds() + 1);
    }
}
