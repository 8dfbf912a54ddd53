package dev.tracegate.provisioner.reconcile;

import java.time.Duration;

/** Exponential backoff with a cap: initial, 2x, 4x... up to max. */
public record Backoff(Duration initial, Duration max) {

    /** Delay before retry number {@code failures} (1 = first failure). */
    public Duration delay(int failures) {
        int doublings = Math.min(Math.max(failures - 1, 0), 30);
        long millis = initial.toMillis() << doublings;
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }
}
