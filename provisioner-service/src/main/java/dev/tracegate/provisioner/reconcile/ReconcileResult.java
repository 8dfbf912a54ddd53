package dev.tracegate.provisioner.reconcile;

/** How one reconcile of one TempoGateway ended; the metric tag and the retry decision. */
public enum ReconcileResult {
    /** Everything is as the spec asks. */
    READY,
    /** Waiting for the user (a Secret is missing, a foreign object is in the way): the next change retries. */
    NOT_READY,
    /** Failed on something that may pass (Grafana down, the API server failing): retried with backoff. */
    FAILED,
    /**
     * Someone wrote the TempoGateway (or a Secret) between the read and the write (409 Conflict): optimistic
     * concurrency at work, not a failure. Retried with backoff; the retry reads the newer version.
     */
    CONFLICT,
    /** Deleted: cleanup done, finalizer removed. */
    CLEANED_UP,
    /** The TempoGateway is gone: nothing to do. */
    GONE,
    /** Not the leader: nothing written. */
    SKIPPED;

    public boolean retry() {
        return this == FAILED || this == CONFLICT;
    }

    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
