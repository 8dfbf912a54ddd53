package dev.tracegate.provisioner.support;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Holds back chosen requests of the provisioner's Kubernetes client on the thread that makes them, before they are
 * sent, as a loaded machine does when it deschedules that thread: a race that needs that thread to be late is then
 * hit every time, not in one run of ten.
 */
public final class StalledRequests {
    private record Stall(Predicate<ApiRequestLog.ApiRequest> which, Duration delay) {
    }

    private static final Stall NONE = new Stall(r -> false, Duration.ZERO);
    private static volatile Stall stall = NONE;

    private StalledRequests() {
    }

    /** From now on, each request of the provisioner that {@code which} accepts waits {@code delay} first. */
    public static void stall(Predicate<ApiRequestLog.ApiRequest> which, Duration delay) {
        stall = new Stall(which, delay);
    }

    public static void reset() {
        stall = NONE;
    }

    static void before(ApiRequestLog.ApiRequest request) {
        Stall current = stall;
        if (current.which().test(request)) {
            try {
                Thread.sleep(current.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
