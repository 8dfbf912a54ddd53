package dev.tracegate.provisioner.datasources;

import dev.tracegate.provisioner.crd.Condition;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.grafana.GrafanaConnection;
import dev.tracegate.provisioner.grafana.GrafanaDatasources;
import dev.tracegate.provisioner.grafana.Outcome;
import dev.tracegate.provisioner.grafana.SyncReport;
import dev.tracegate.provisioner.grafana.TenantDatasourceStatus;
import dev.tracegate.provisioner.kube.SecretLookup;
import dev.tracegate.provisioner.status.Conditions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Keeps a TempoGateway's Grafana datasources in sync and says how it went, as the DatasourcesSynced condition.
 * Without spec.grafana the condition is True with reason NotConfigured: nothing is asked, so nothing is missing.
 */
@ApplicationScoped
public class DatasourceSync {
    private final GrafanaDatasources grafana;
    private final LastWorkingGrafana lastWorking;

    public DatasourceSync(GrafanaDatasources grafana, LastWorkingGrafana lastWorking) {
        this.grafana = grafana;
        this.lastWorking = lastWorking;
    }

    /**
     * @param condition DatasourcesSynced
     * @param retry     true when trying again later may help (Grafana unreachable or a write failed)
     * @param tenants   what Grafana said for each current tenant, by tenant name (empty without Grafana)
     */
    public record Result(Condition condition, boolean retry, Map<String, TenantDatasourceStatus> tenants) {
    }

    public Result sync(TempoGateway gateway, SecretLookup secrets) {
        return sync(gateway, secrets, null);
    }

    /** @param datasourceCaPem CA Grafana trusts for the datasource URL when spec.grafana.datasource.caSecret names none */
    public Result sync(TempoGateway gateway, SecretLookup secrets, String datasourceCaPem) {
        if (gateway.getSpec().grafana == null) {
            return new Result(Conditions.of(Conditions.DATASOURCES_SYNCED, true, "NotConfigured",
                    "spec.grafana is not set: no datasources are managed"), false, Map.of());
        }
        GrafanaTarget target = GrafanaTargetResolver.resolve(gateway, secrets).withDatasourceCa(datasourceCaPem);
        if (!target.resolved()) {
            return new Result(Conditions.of(Conditions.DATASOURCES_SYNCED, false, target.reason(), target.problem()), false, Map.of());
        }
        SyncReport report = grafana.sync(target.connection(), target.request());
        if (report.grafanaReachable()) {
            lastWorking.remember(gateway.key(), target.connection());
        }
        return new Result(condition(report, target), retry(report), byTenant(report));
    }

    private static Condition condition(SyncReport report, GrafanaTarget target) {
        String grafanaUrl = target.connection().url().toString();
        if (!report.grafanaReachable()) {
            return Conditions.of(Conditions.DATASOURCES_SYNCED, false, "GrafanaUnreachable",
                    "Grafana " + grafanaUrl + ": " + report.error() + " (retrying)");
        }
        List<TenantDatasourceStatus> foreign = report.tenants().stream().filter(t -> t.outcome() == Outcome.FOREIGN).toList();
        if (!foreign.isEmpty()) {
            return Conditions.of(Conditions.DATASOURCES_SYNCED, false, "ForeignDatasource", foreign.stream()
                    .map(t -> "datasource " + quoted(t.name()) + " of tenant " + t.tenantName() + " exists in Grafana and is not managed by Tracegate: left unchanged"
                            + (t.message() == null ? "" : " (" + t.message() + ")"))
                    .collect(Collectors.joining("; ")));
        }
        List<TenantDatasourceStatus> failed = report.tenants().stream().filter(t -> t.outcome() == Outcome.FAILED).toList();
        if (!failed.isEmpty()) {
            return Conditions.of(Conditions.DATASOURCES_SYNCED, false, "DatasourceSyncFailed", failed.stream()
                    .map(t -> "tenant " + t.tenantName() + ": " + t.message()).collect(Collectors.joining("; ")) + " (retrying)");
        }
        long current = report.tenants().stream().filter(t -> t.outcome() != Outcome.DELETED).count();
        return Conditions.of(Conditions.DATASOURCES_SYNCED, true, "Synced", current + " datasource(s) in sync in Grafana " + grafanaUrl);
    }

    private static boolean retry(SyncReport report) {
        return !report.grafanaReachable() || report.tenants().stream().anyMatch(t -> t.outcome() == Outcome.FAILED);
    }

    private static Map<String, TenantDatasourceStatus> byTenant(SyncReport report) {
        return report.tenants().stream().filter(t -> t.outcome() != Outcome.DELETED)
                .collect(Collectors.toMap(TenantDatasourceStatus::tenantName, Function.identity(), (a, b) -> a));
    }

    private static String quoted(String name) {
        return "\"" + name + "\"";
    }

    /** Deletes every datasource of a deleted gateway; false when Grafana could not be reached (try again). */
    public CleanupResult deleteAll(TempoGateway gateway, SecretLookup secrets) {
        if (gateway.getSpec() == null || gateway.getSpec().grafana == null) {
            return new CleanupResult(true, true, "no Grafana configured");
        }
        GrafanaTarget target = GrafanaTargetResolver.connection(gateway, secrets);
        // Deleted with its namespace, the credentials Secret may be gone first: the last connection that worked
        // still reaches Grafana.
        Optional<GrafanaConnection> connection = target.resolved() ? Optional.of(target.connection()) : lastWorking.of(gateway.key());
        if (connection.isEmpty()) {
            // Nothing can be reached without credentials; holding the deletion forever would help no one.
            return new CleanupResult(true, false, "Grafana datasources left in Grafana " + gateway.getSpec().grafana.url
                    + ", not deleted: " + target.problem());
        }
        SyncReport report = grafana.deleteAll(connection.get(), gateway.key());
        if (!report.grafanaReachable()) {
            return new CleanupResult(false, false, "Grafana " + connection.get().url() + ": " + report.error());
        }
        long deleted = report.tenants().stream().filter(t -> t.outcome() == Outcome.DELETED).count();
        return new CleanupResult(true, true, deleted + " datasource(s) deleted from Grafana " + connection.get().url());
    }

    /**
     * @param done     true when the finalizer may go
     * @param complete true when nothing was left behind in Grafana
     * @param message  what happened, for an Event
     */
    public record CleanupResult(boolean done, boolean complete, String message) {
    }
}
