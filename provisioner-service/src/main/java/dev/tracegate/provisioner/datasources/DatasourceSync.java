package dev.tracegate.provisioner.datasources;

import dev.tracegate.provisioner.crd.Condition;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.gatewayconfig.ConfigResolution;
import dev.tracegate.provisioner.grafana.GrafanaConnection;
import dev.tracegate.provisioner.grafana.GrafanaDatasources;
import dev.tracegate.provisioner.grafana.GrafanaUrlAllowList;
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
 * When spec.grafana stops naming the Grafana (or org) that last worked for the gateway, the datasources there are
 * deleted first ({@link PreviousGrafanaCleanup}).
 */
@ApplicationScoped
public class DatasourceSync {
    /** Reason of DatasourcesSynced when spec.grafana.url names a Grafana outside {@code tracegate.grafana.allowed-urls}. */
    public static final String URL_NOT_ALLOWED = "GrafanaUrlNotAllowed";
    /** Reason of DatasourcesSynced while every gateway would refuse the tenants document. */
    public static final String TENANTS_INVALID = "TenantsInvalid";
    public static final String TENANTS_UNRESOLVED = "TenantsUnresolved";

    private final GrafanaDatasources grafana;
    private final LastWorkingGrafana lastWorking;
    private final PreviousGrafanaCleanup previousGrafanaCleanup;
    private final GrafanaUrlAllowList allowList;

    public DatasourceSync(GrafanaDatasources grafana, LastWorkingGrafana lastWorking, PreviousGrafanaCleanup previousGrafanaCleanup,
                          GrafanaUrlAllowList allowList) {
        this.grafana = grafana;
        this.lastWorking = lastWorking;
        this.previousGrafanaCleanup = previousGrafanaCleanup;
        this.allowList = allowList;
    }

    /**
     * @param condition DatasourcesSynced
     * @param retry     true when trying again later may help (Grafana unreachable or a write failed)
     * @param tenants   what Grafana said for each current tenant, by tenant name (empty without Grafana)
     * @param previousGrafana what became of the datasources in the Grafana the spec no longer names, when it just
     *                        stopped naming it (to be told once)
     */
    public record Result(Condition condition, boolean retry, Map<String, TenantDatasourceStatus> tenants,
                         Optional<PreviousGrafanaCleanup.Report> previousGrafana) {
    }

    public Result sync(TempoGateway gateway, SecretLookup secrets) {
        return sync(gateway, secrets, null);
    }

    /**
     * While the tenants document cannot be published (every gateway would refuse it, or a tenant's Secret is missing):
     * Grafana is not asked, so its datasources stay as the last good document, which the gateways serve, had them (a
     * tenant renamed in the new one keeps its datasource, the new name gets none yet). Not retried: the edit or the
     * Secret that makes the tenants publishable reconciles again.
     */
    public static Result heldWhileTenantsUnpublished(ConfigResolution config) {
        boolean invalid = config instanceof ConfigResolution.Invalid;
        return new Result(Conditions.of(Conditions.DATASOURCES_SYNCED, false, invalid ? TENANTS_INVALID : TENANTS_UNRESOLVED,
                "left in Grafana as they are until the tenants " + (invalid ? "are valid" : "resolve")
                        + " (see ConfigPublished): the gateways serve the last good document"), false, Map.of(), Optional.empty());
    }

    /** @param datasourceCaPem CA Grafana trusts for the datasource URL when spec.grafana.datasource.caSecret names none */
    public Result sync(TempoGateway gateway, SecretLookup secrets, String datasourceCaPem) {
        if (gateway.getSpec().grafana == null) {
            Optional<PreviousGrafanaCleanup.Report> previous = previousGrafanaCleanup.leaveIfMoved(gateway.key(), null);
            return new Result(withNote(Conditions.of(Conditions.DATASOURCES_SYNCED, true, "NotConfigured",
                    "spec.grafana is not set: no datasources are managed"), previous), false, Map.of(), previous);
        }
        GrafanaTarget target = allowed(GrafanaTargetResolver.resolve(gateway, secrets).withDatasourceCa(datasourceCaPem));
        if (!target.resolved()) {
            // Where the datasources belong cannot be told yet: those of the previous Grafana wait.
            return new Result(Conditions.of(Conditions.DATASOURCES_SYNCED, false, target.reason(), target.problem()), false, Map.of(), Optional.empty());
        }
        // Before the sync: were both the same Grafana after all (another host name for it), the sync recreates them.
        Optional<PreviousGrafanaCleanup.Report> previous = previousGrafanaCleanup.leaveIfMoved(gateway.key(), target.connection());
        SyncReport report = grafana.sync(target.connection(), target.request());
        if (report.grafanaReachable()) {
            lastWorking.remember(gateway.key(), target.connection());
        }
        return new Result(withNote(condition(report, target), previous), retry(report), byTenant(report), previous);
    }

    /** The target, or why not when its Grafana is not allowed: asked nothing, until the spec names one that is. */
    private GrafanaTarget allowed(GrafanaTarget target) {
        String problem = target.resolved() ? allowList.problem("spec.grafana.url", target.connection().url()) : null;
        return problem == null ? target : GrafanaTarget.missing(URL_NOT_ALLOWED, problem);
    }

    /** The condition of this reconcile tells it too; the Event and the log line keep it. */
    private static Condition withNote(Condition condition, Optional<PreviousGrafanaCleanup.Report> previous) {
        return previous.map(p -> new Condition(condition.type, condition.status, condition.reason, condition.message + "; " + p.message(), null, null))
                .orElse(condition);
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
        return Conditions.of(Conditions.DATASOURCES_SYNCED, true, "Synced", current + " datasource(s) in sync in Grafana " + grafanaUrl
                + (followsTheUsersOrg(target.connection()) ? FOLLOWS_THE_USERS_ORG : ""));
    }

    static final String FOLLOWS_THE_USERS_ORG = " (in the current org of the user of spec.grafana.credentialsSecret, which moves when "
            + "that user switches org in Grafana, and the datasources would be made again there: set spec.grafana.orgId)";

    /** A user's basic auth without an org: Grafana serves that user's current org, not a fixed one. */
    private static boolean followsTheUsersOrg(GrafanaConnection connection) {
        return !connection.hasToken() && connection.orgId() == null;
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
        boolean configured = gateway.getSpec() != null && gateway.getSpec().grafana != null;
        GrafanaTarget target = configured ? allowed(GrafanaTargetResolver.connection(gateway, secrets)) : null;
        // Deleted with its namespace, the credentials Secret may be gone first: the last connection that worked
        // still reaches Grafana. So it does when spec.grafana was removed just before the deletion, unreconciled.
        Optional<GrafanaConnection> connection = configured && target.resolved() ? Optional.of(target.connection())
                : lastWorking.of(gateway.key()).filter(last -> allowList.allows(last.url()));
        if (connection.isEmpty() && !configured) {
            return new CleanupResult(true, true, "no Grafana configured");
        }
        if (connection.isEmpty()) {
            // Nothing can be reached without credentials; holding the deletion forever would help no one.
            return new CleanupResult(true, false, "Grafana datasources left in Grafana " + GrafanaTargetResolver.printable(gateway.getSpec().grafana.url)
                    + ", not deleted: " + target.problem());
        }
        Optional<PreviousGrafanaCleanup.Report> previous = configured && target.resolved()
                ? previousGrafanaCleanup.leaveAtDeletion(gateway.key(), connection.get()) : Optional.empty();
        CleanupResult result = deleteAllIn(connection.get(), gateway);
        // Tried once: told with this try's result, then no more.
        return previous.map(p -> new CleanupResult(result.done(), result.complete() && p.allDeleted(),
                p.message() + "; " + result.message())).orElse(result);
    }

    private CleanupResult deleteAllIn(GrafanaConnection connection, TempoGateway gateway) {
        SyncReport report = grafana.deleteAll(connection, gateway.key());
        if (!report.grafanaReachable()) {
            return new CleanupResult(false, false, "Grafana " + connection.url() + ": " + report.error());
        }
        long deleted = report.tenants().stream().filter(t -> t.outcome() == Outcome.DELETED).count();
        List<TenantDatasourceStatus> failed = report.tenants().stream().filter(t -> t.outcome() == Outcome.FAILED).toList();
        if (!failed.isEmpty()) {
            // Refused one by one (a 403 on one datasource): held like an unreachable Grafana, until the cleanup timeout.
            return new CleanupResult(false, false, deleted + " datasource(s) deleted from Grafana " + connection.url() + ", "
                    + failed.size() + " not: " + failed.stream().map(t -> quoted(t.name()) + ": " + t.message()).collect(Collectors.joining("; ")));
        }
        return new CleanupResult(true, true, deleted + " datasource(s) deleted from Grafana " + connection.url());
    }

    /**
     * @param done     true when the finalizer may go
     * @param complete true when nothing was left behind in Grafana
     * @param message  what happened, for an Event
     */
    public record CleanupResult(boolean done, boolean complete, String message) {
    }
}
