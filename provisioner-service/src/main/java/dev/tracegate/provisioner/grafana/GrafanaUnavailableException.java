package dev.tracegate.provisioner.grafana;

/**
 * Grafana cannot be used right now: not reachable, answering 5xx, or refusing our credentials. Ends a sync;
 * the message is safe to show (no secrets).
 */
final class GrafanaUnavailableException extends RuntimeException {

    GrafanaUnavailableException(String message) {
        super(message, null, false, false);
    }
}
