package dev.tracegate.provisioner.grafana;

import dev.tracegate.provisioner.status.Listing;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * One INFO line per kind of change a sync made to Grafana: a TempoGateway of 1,000 tenants is created in one line,
 * not 1,000. Each change is logged at DEBUG where it is made.
 */
final class DatasourceChangeLog {

    private static final Logger LOG = Logger.getLogger(GrafanaDatasources.class);
    /** Datasources named in a line; the rest are counted. */
    static final int NAMED = 20;

    private DatasourceChangeLog() {
    }

    static void log(String owner, List<TenantDatasourceStatus> statuses) {
        log(owner, statuses, Outcome.CREATED, "Created");
        log(owner, statuses, Outcome.UPDATED, "Updated");
        log(owner, statuses, Outcome.DELETED, "Deleted");
    }

    private static void log(String owner, List<TenantDatasourceStatus> statuses, Outcome outcome, String verb) {
        List<String> changed = statuses.stream().filter(s -> s.outcome() == outcome).map(DatasourceChangeLog::describe).toList();
        if (changed.isEmpty()) {
            return;
        }
        String message = verb + " " + changed.size() + " Grafana datasource" + (changed.size() == 1 ? "" : "s") + ": "
                + Listing.firstOf(changed, NAMED, "; ");
        LOG.infof("TempoGateway %s: %s", owner, message);
    }

    /** Its uid and name, and for an update what had drifted. */
    private static String describe(TenantDatasourceStatus status) {
        String what = status.uid() + " (" + status.name() + ")";
        return status.outcome() == Outcome.UPDATED && status.message() != null ? what + ", " + status.message() : what;
    }
}
