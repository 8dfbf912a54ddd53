package dev.tracegate.provisioner.grafana;

import java.util.List;

/**
 * The result of one sync or deleteAll against Grafana.
 *
 * @param grafanaReachable false when Grafana could not be reached, answered 5xx, or refused our credentials (401, or
 *                         403 on the list of datasources): the caller should retry with backoff and treat the sync
 *                         as not done. A 403 about one datasource is that datasource's FAILED status, the others synced.
 * @param error            why, when not reachable (status or connection error, never a secret); null otherwise
 * @param tenants          one entry per datasource handled (requested tenants, then deleted ones); when not reachable,
 *                         those handled before Grafana stopped answering
 */
public record SyncReport(boolean grafanaReachable, String error, List<TenantDatasourceStatus> tenants) {

    public SyncReport {
        tenants = tenants == null ? List.of() : List.copyOf(tenants);
    }

    /** True when Grafana was reached and no datasource is FOREIGN or FAILED. */
    public boolean allSynced() {
        return grafanaReachable && tenants.stream().noneMatch(t -> t.outcome() == Outcome.FOREIGN || t.outcome() == Outcome.FAILED);
    }
}
