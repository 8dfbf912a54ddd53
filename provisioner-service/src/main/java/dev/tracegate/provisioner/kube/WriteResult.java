package dev.tracegate.provisioner.kube;

/** What one write to the API server did (strimzi's ReconcileResult, without the hierarchy). */
public enum WriteResult {
    CREATED,
    UPDATED,
    UNCHANGED,
    DELETED,
    /** Not written: the object exists and is not ours. */
    REFUSED_FOREIGN;

    /** True when the API server's state changed. */
    public boolean changed() {
        return this == CREATED || this == UPDATED || this == DELETED;
    }
}
