package dev.tracegate.provisioner.gatewayconfig;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes long polls when what a gateway is served changes (a new document is published, or it turns stale or
 * fresh; see {@link PublishedConfigs}). Waiting costs no thread; a waiter that ends without a change (its poll
 * timed out, its client went away) is removed at once, so polls of a document that does not change for weeks
 * leave nothing behind.
 */
@ApplicationScoped
public class ConfigChangeSignals {
    private final ConcurrentHashMap<String, Set<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();

    /**
     * Completes at the next change of the gateway's inputs. Take it before reading the current state, so that a
     * change in between is not missed; give it to {@link #stopWaiting} when done waiting without a change.
     */
    public CompletableFuture<Void> nextChange(String gatewayKey) {
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        // Added atomically with respect to signal(): a waiter is either woken by it or still registered after it.
        waiters.compute(gatewayKey, (key, set) -> {
            Set<CompletableFuture<Void>> all = set == null ? ConcurrentHashMap.newKeySet() : set;
            all.add(waiter);
            return all;
        });
        return waiter;
    }

    /**
     * Forgets a waiter whose poll ended without a change (timed out, or its client went away). It is left
     * uncompleted: completing it would hand whoever still listens a failure to report.
     */
    public void stopWaiting(String gatewayKey, CompletableFuture<Void> waiter) {
        waiters.computeIfPresent(gatewayKey, (key, set) -> {
            set.remove(waiter);
            return set.isEmpty() ? null : set;
        });
    }

    public void signal(String gatewayKey) {
        Set<CompletableFuture<Void>> waiting = waiters.remove(gatewayKey);
        if (waiting != null) {
            waiting.forEach(waiter -> waiter.complete(null));
        }
    }

    /** How many long polls wait for this gateway's next change. */
    public int waiting(String gatewayKey) {
        Set<CompletableFuture<Void>> waiting = waiters.get(gatewayKey);
        return waiting == null ? 0 : waiting.size();
    }
}
