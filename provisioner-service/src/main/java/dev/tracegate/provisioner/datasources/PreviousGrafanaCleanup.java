package dev.tracegate.provisioner.datasources;

import dev.tracegate.provisioner.grafana.GrafanaConnection;
import dev.tracegate.provisioner.grafana.GrafanaDatasources;
import dev.tracegate.provisioner.grafana.Outcome;
import dev.tracegate.provisioner.grafana.SyncReport;
import dev.tracegate.provisioner.grafana.TenantDatasourceStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Deletes a TempoGateway's datasources from the Grafana (or org) that last worked for it once spec.grafana names
 * another one or none: what the provisioner made and is no longer asked for goes, as its Ingress does.
 *
 * <p>Tried once: a Grafana one moves away from is often gone for good, and it must hold up neither the new Grafana
 * nor the gateway; what is left there is said instead. The previous Grafana is known only in memory
 * ({@link LastWorkingGrafana}): a change made while no provisioner ran (or before a new leader's first sync of the
 * gateway) goes unnoticed, and the datasources stay in the previous Grafana.
 */
@ApplicationScoped
public class PreviousGrafanaCleanup {
    private static final Logger LOG = Logger.getLogger(PreviousGrafanaCleanup.class);

    private final GrafanaDatasources grafana;
    private final LastWorkingGrafana lastWorking;

    public PreviousGrafanaCleanup(GrafanaDatasources grafana, LastWorkingGrafana lastWorking) {
        this.grafana = grafana;
        this.lastWorking = lastWorking;
    }

    /**
     * The datasources in a Grafana the gateway left.
     *
     * @param allDeleted true when they are all deleted; false when some or all are left there
     * @param message    what happened, for an Event and the condition (never a secret)
     */
    public record Report(boolean allDeleted, String message) {
    }

    /**
     * @param now the Grafana the datasources belong in now; null when spec.grafana is removed
     * @return what became of the datasources in the previous Grafana; empty when there is none or it is {@code now}
     */
    Optional<Report> leaveIfMoved(String gatewayKey, GrafanaConnection now) {
        Optional<GrafanaConnection> previous = lastWorking.of(gatewayKey);
        if (previous.isEmpty() || now != null && samePlace(previous.get(), now)) {
            return Optional.empty();
        }
        if (now != null && !grafana.worksIn(now)) {
            // Nothing goes before the datasources can be made anew: a new place that refuses the credentials (a
            // service-account token belongs to one org: in another, Grafana answers 401) or cannot be reached
            // fails the sync, which is retried, and the question comes again then.
            return Optional.empty();
        }
        return Optional.of(leave(previous.get(), gatewayKey,
                now == null ? "spec.grafana was removed" : "spec.grafana now names " + where(now)));
    }

    /**
     * At the TempoGateway's deletion: its datasources in the Grafana that last worked for it, when spec.grafana
     * names another one, whether that one works or not. A move to a Grafana that never worked left them there
     * ({@link #leaveIfMoved} waits for the new one to work), and nothing else would delete them.
     *
     * @param now the Grafana spec.grafana names, which the cleanup empties itself
     * @return what became of the datasources in the previous Grafana; empty when there is none or it is {@code now}
     */
    public Optional<Report> leaveAtDeletion(String gatewayKey, GrafanaConnection now) {
        Optional<GrafanaConnection> previous = lastWorking.of(gatewayKey);
        if (previous.isEmpty() || samePlace(previous.get(), now)) {
            return Optional.empty();
        }
        return Optional.of(leave(previous.get(), gatewayKey, "the TempoGateway is deleted, and the move to "
                + where(now) + " never worked"));
    }

    /** Tried once, and said: the previous Grafana is forgotten whatever happens. */
    private Report leave(GrafanaConnection previous, String gatewayKey, String why) {
        lastWorking.forget(gatewayKey);
        Report report = deleteAll(previous, gatewayKey, why);
        if (report.allDeleted()) {
            LOG.infof("TempoGateway %s: %s", gatewayKey, report.message());
        } else {
            LOG.warnf("TempoGateway %s: %s", gatewayKey, report.message());
        }
        return report;
    }

    private Report deleteAll(GrafanaConnection previous, String gatewayKey, String why) {
        String byHand = "; not tried again, delete them there by hand";
        SyncReport deleted = grafana.deleteAll(previous, gatewayKey);
        if (!deleted.grafanaReachable()) {
            return new Report(false, "datasources left in " + where(previous) + " (" + deleted.error() + "): " + why + byHand);
        }
        List<TenantDatasourceStatus> failed = deleted.tenants().stream().filter(t -> t.outcome() == Outcome.FAILED).toList();
        if (!failed.isEmpty()) {
            return new Report(false, failed.size() + " datasource(s) left in " + where(previous) + " (" + failed.stream()
                    .map(t -> "\"" + t.name() + "\" " + t.message()).collect(Collectors.joining(", ")) + "): " + why + byHand);
        }
        return new Report(true, "deleted " + deleted.tenants().size() + " datasource(s) from " + where(previous) + ": " + why);
    }

    private static String where(GrafanaConnection connection) {
        return "Grafana " + connection.url() + (connection.orgId() == null ? "" : " org " + connection.orgId());
    }

    /**
     * Whether two connections reach the same org of the same Grafana, so the same datasources: new credentials alone
     * are no move. Where the credentials choose the org (no orgId), Grafana is asked. When it cannot say, nothing is
     * deleted: previous credentials it refuses could delete nothing either, and a Grafana it cannot reach fails the
     * sync too, so the question comes again at the retry.
     */
    private boolean samePlace(GrafanaConnection previous, GrafanaConnection now) {
        if (!withoutTrailingSlash(previous.url()).equals(withoutTrailingSlash(now.url()))) {
            return false;
        }
        if (previous.orgId() != null && now.orgId() != null) {
            return previous.orgId().equals(now.orgId());
        }
        boolean sameCredentials = Objects.equals(previous.token(), now.token())
                && Objects.equals(previous.username(), now.username()) && Objects.equals(previous.password(), now.password());
        if (previous.orgId() == null && now.orgId() == null && sameCredentials) {
            return true;
        }
        Optional<Long> before = grafana.orgOf(previous);
        Optional<Long> after = grafana.orgOf(now);
        return before.isEmpty() || after.isEmpty() || before.equals(after);
    }

    private static String withoutTrailingSlash(URI url) {
        String text = url.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
