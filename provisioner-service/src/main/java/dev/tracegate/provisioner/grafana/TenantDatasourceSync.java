package dev.tracegate.provisioner.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Makes one tenant's datasource in Grafana match its {@link DesiredDatasource}: create when missing, update when
 * drifted, leave alone when equal or foreign, then ask Grafana for its health where that needs no user.
 */
final class TenantDatasourceSync {

    private static final Logger LOG = Logger.getLogger(TenantDatasourceSync.class);

    private final GrafanaHttp grafana;
    private final String owner;

    TenantDatasourceSync(GrafanaHttp grafana, String owner) {
        this.grafana = grafana;
        this.owner = owner;
    }

    TenantDatasourceStatus apply(DesiredDatasource desired) {
        GrafanaResponse current = grafana.getByUid(desired.uid());
        TenantDatasourceStatus status;
        if (current.notFound()) {
            status = create(desired);
        } else if (current.ok()) {
            status = updateIfDrifted(desired, current.body(), true);
        } else {
            status = failed(desired, current.failure("reading datasource " + desired.uid(), "reading the datasource failed: "));
        }
        return withHealth(desired, status);
    }

    private TenantDatasourceStatus create(DesiredDatasource desired) {
        GrafanaResponse created = grafana.create(desired.createBody());
        if (created.ok()) {
            LOG.debugf("created Grafana datasource %s (%s) for %s", desired.uid(), desired.name(), owner);
            return status(desired, Outcome.CREATED, null);
        }
        if (created.conflict()) {
            // Name or uid taken: by someone else (foreign), or in a way we cannot see from here.
            GrafanaResponse sameName = grafana.getByName(desired.name());
            if (sameName.ok() && !OwnershipMarker.isOwnedBy(sameName.body(), owner)) {
                return foreign(desired, sameName.body());
            }
        }
        return failed(desired, created.failure("creating datasource \"" + desired.name() + "\"", "Grafana refused to create it: "));
    }

    private TenantDatasourceStatus updateIfDrifted(DesiredDatasource desired, JsonNode current, boolean mayRetry) {
        if (!OwnershipMarker.isOwnedBy(current, owner)) {
            return foreign(desired, current);
        }
        List<String> drift = desired.differencesFrom(current);
        if (drift.isEmpty()) {
            return status(desired, Outcome.UNCHANGED, null);
        }
        GrafanaResponse updated = grafana.update(desired.uid(), desired.updateBody(current));
        if (updated.ok()) {
            LOG.debugf("updated Grafana datasource %s (%s) for %s: %s", desired.uid(), desired.name(), owner, drift);
            return status(desired, Outcome.UPDATED, "updated " + String.join(", ", drift));
        }
        if (updated.conflict() && mayRetry) {
            // Someone wrote it between our read and our write (stale version): read again, decide again, once.
            GrafanaResponse reread = grafana.getByUid(desired.uid());
            if (reread.notFound()) {
                return create(desired);
            }
            if (reread.ok()) {
                return updateIfDrifted(desired, reread.body(), false);
            }
            return failed(desired, reread.failure("re-reading datasource " + desired.uid() + " after a conflict",
                    "re-reading after a conflict failed: "));
        }
        if (updated.conflict()) {
            GrafanaResponse sameName = grafana.getByName(desired.name());
            if (sameName.ok() && !desired.uid().equals(sameName.body().path("uid").asText())
                    && !OwnershipMarker.isOwnedBy(sameName.body(), owner)) {
                return foreign(desired, sameName.body());
            }
        }
        return failed(desired, updated.failure("updating datasource " + desired.uid(), "Grafana refused the update: "));
    }

    /** Health only where Grafana can check without a signed-in user, and only for a datasource that is ours and in place. */
    private TenantDatasourceStatus withHealth(DesiredDatasource desired, TenantDatasourceStatus status) {
        boolean inPlace = status.outcome() == Outcome.CREATED || status.outcome() == Outcome.UPDATED
                || status.outcome() == Outcome.UNCHANGED;
        if (!inPlace || !desired.healthCheckable()) {
            return status;
        }
        GrafanaResponse health;
        try {
            health = grafana.health(desired.uid());
        } catch (GrafanaUnavailableException noAnswer) {
            // Grafana checks by calling the datasource's URL (the gateway, then Tempo), which can take longer than
            // our read timeout: that is this datasource's answer, not Grafana gone. Grafana answered this tenant's
            // other calls just now; the next tenant's calls tell if it is gone.
            return withHealth(status, "ERROR: " + noAnswer.getMessage());
        }
        if (health.status() == 404 || health.status() == 501) {
            // The datasource was in place a moment ago: this is Grafana without a backend check for Tempo (before
            // 12.3 its Test button checked from the browser), answering 404 "Not found", or 501 in newer versions.
            return status;
        }
        String text;
        if (health.ok() && "OK".equalsIgnoreCase(health.body().path("status").asText("OK"))) {
            text = "OK";
        } else if (health.forbidden()) {
            // The datasource is in place and synced; only its check was refused, so it is not FAILED.
            text = "ERROR: " + grafana.scrubber().scrub(health.denied("the health check of datasource " + desired.uid()));
        } else {
            text = "ERROR: " + grafana.scrubber().scrub(healthMessage(health));
        }
        return withHealth(status, text);
    }

    private static TenantDatasourceStatus withHealth(TenantDatasourceStatus status, String health) {
        return new TenantDatasourceStatus(status.tenantName(), status.uid(), status.name(), status.outcome(), status.message(), health);
    }

    private static String healthMessage(GrafanaResponse health) {
        String message = health.body().path("message").asText("");
        return message.isBlank() ? "Grafana answered HTTP " + health.status() : message;
    }

    private TenantDatasourceStatus foreign(DesiredDatasource desired, JsonNode theirs) {
        String message = OwnershipMarker.describeForeign(theirs, owner);
        LOG.warnf("Grafana datasource for tenant %s of %s: %s", desired.tenantName(), owner, message);
        return status(desired, Outcome.FOREIGN, message);
    }

    private TenantDatasourceStatus failed(DesiredDatasource desired, String message) {
        String clean = grafana.scrubber().scrub(message);
        LOG.warnf("Grafana datasource %s for tenant %s of %s: %s", desired.uid(), desired.tenantName(), owner, clean);
        return status(desired, Outcome.FAILED, clean);
    }

    private static TenantDatasourceStatus status(DesiredDatasource desired, Outcome outcome, String message) {
        return new TenantDatasourceStatus(desired.tenantName(), desired.uid(), desired.name(), outcome, message, null);
    }
}
