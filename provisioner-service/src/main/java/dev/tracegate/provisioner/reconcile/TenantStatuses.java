package dev.tracegate.provisioner.reconcile;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.crd.TenantAuthentication;
import dev.tracegate.provisioner.crd.TenantStatus;
import dev.tracegate.provisioner.gatewayconfig.ConfigResolution;
import dev.tracegate.provisioner.grafana.Outcome;
import dev.tracegate.provisioner.grafana.TenantDatasourceStatus;
import dev.tracegate.provisioner.kube.WriteResult;
import dev.tracegate.provisioner.secrets.SecretSyncPlanner;
import dev.tracegate.provisioner.secrets.SecretWrite;
import dev.tracegate.provisioner.secrets.TenantSecretSync;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds status.tenants from what the steps of a reconcile found, one entry per tenant. */
final class TenantStatuses {
    private TenantStatuses() {
    }

    static List<TenantStatus> of(TempoGateway gateway, TenantSecretSync.Report secrets, ConfigResolution config,
                                 Map<String, TenantDatasourceStatus> datasources) {
        List<TenantStatus> statuses = new ArrayList<>();
        for (TenantAuthentication tenant : gateway.getSpec().tenants.authentication) {
            TenantStatus status = new TenantStatus();
            status.tenantName = tenant.tenantName;
            status.secret = tenant.oidc == null || tenant.oidc.secret == null ? null : tenant.oidc.secret.name;
            List<String> errors = new ArrayList<>();
            if (status.secret == null) {
                status.secretResult = "NoSecret";
            } else if (!SecretSyncPlanner.receives(gateway.getSpec().secretSync, tenant)) {
                status.secretResult = "NotManaged";
            } else if (secrets.plan().problem() != null) {
                status.secretResult = "SourceMissing";
                errors.add(secrets.plan().problem());
            } else {
                Optional<SecretWrite> write = secrets.writes().stream().filter(w -> w.name().equals(status.secret)).findFirst();
                boolean foreign = write.map(w -> w.result() == WriteResult.REFUSED_FOREIGN).orElse(false);
                // Stable words: Created/Updated would flip to Unchanged on the next pass and rewrite the status for nothing.
                status.secretResult = foreign ? "Foreign" : "Synced";
                if (foreign) {
                    errors.add("Secret " + status.secret + " is not managed by Tracegate (" + write.get().detail() + "): left unchanged");
                }
            }
            if (config instanceof ConfigResolution.Unresolved unresolved && unresolved.problemsByTenant().containsKey(tenant.tenantName)) {
                errors.add(unresolved.problemsByTenant().get(tenant.tenantName));
            }
            TenantDatasourceStatus ds = datasources.get(tenant.tenantName);
            if (ds != null) {
                status.datasourceUid = ds.uid();
                status.datasourceName = ds.name();
                status.datasourceHealth = ds.health();
                if ((ds.outcome() == Outcome.FOREIGN || ds.outcome() == Outcome.FAILED) && ds.message() != null) {
                    errors.add(ds.message());
                }
            }
            status.lastError = errors.isEmpty() ? null : String.join("; ", errors);
            statuses.add(status);
        }
        return statuses;
    }
}
