package dev.tracegate.provisioner.grafana;

/** What a sync did to one datasource. */
public enum Outcome {
    CREATED,
    UPDATED,
    /** Already as wanted: nothing written. */
    UNCHANGED,
    DELETED,
    /** A datasource with our uid or name that we do not own: left alone. */
    FOREIGN,
    FAILED
}
