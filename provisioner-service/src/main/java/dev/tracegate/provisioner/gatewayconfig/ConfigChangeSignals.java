package dev.tracegate.provisioner.gatewayconfig;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Wakes long polls when what a gateway is served changes (a new document is published, or it turns stale or
 * fresh; see {@link PublishedConfigs}). One shared future per gateway: waiting costs no thread, and waiters that
 * time out leave nothing behind.
 */
@ApplicationScoped
public class ConfigChangeSignals {
    private final ConcurrentHashMap<String, CompletableFuture<Void>> next = new ConcurrentHashMap<>();

    /**
     * Completes at the next change of the gateway's inputs. Take it before reading the current state, so that a
     * change in between is not missed. The returned stage is a copy: cancelling it touches no other waiter.
     */
    public CompletionStage<Void> nextChange(String gatewayKey) {
        return next.computeIfAbsent(gatewayKey, k -> new CompletableFuture<>()).thenApply(Function.identity());
    }

    public void signal(String gatewayKey) {
        CompletableFuture<Void> waiting = next.remove(gatewayKey);
        if (waiting != null) {
            waiting.complete(null);
        }
    }
}
