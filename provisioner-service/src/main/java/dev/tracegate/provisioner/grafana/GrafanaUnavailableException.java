package dev.tracegate.provisioner.grafana;

/**
 * Grafana cannot be used right now: not reachable, answering 5xx, or refusing our credentials (401, or 403 on a call
 * about every datasource). Ends a sync; the message is safe to show (no secrets).
 */
final class GrafanaUnavailableException extends RuntimeException {

    GrafanaUnavailableException(String message) {
        super(message, null, false, false);
    }
}
