package dev.tracegate.provisioner.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Retries after failures wait twice as long each time, up to a cap. */
class BackoffTest {
    @Test
    void doublesUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

        assertEquals(Duration.ofSeconds(1), backoff.delay(1));
        assertEquals(Duration.ofSeconds(2), backoff.delay(2));
        assertEquals(Duration.ofSeconds(256), backoff.delay(9));
        assertEquals(Duration.ofMinutes(5), backoff.delay(10));
        assertEquals(Duration.ofMinutes(5), backoff.delay(1000));
    }
}
