package dev.tracegate.gateway.auth;

import java.util.function.Predicate;

/** Quarkus' security wraps what failed (in Mutiny's and its own exceptions): the failures are read through their causes. */
public final class Causes {

    private Causes() {
    }

    /** Whether the failure, or any of its causes, passes the test. */
    public static boolean any(Throwable failure, Predicate<Throwable> test) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (test.test(c)) {
                return true;
            }
        }
        return false;
    }
}
