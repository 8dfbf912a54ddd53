package dev.tracegate.provisioner.reconcile;

import dev.tracegate.provisioner.crd.DatasourceSpec;
import dev.tracegate.provisioner.crd.GrafanaSpec;
import dev.tracegate.provisioner.crd.SecretSyncSpec;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.crd.TempoGatewaySpec;
import dev.tracegate.provisioner.crd.TenantsSpec;
import dev.tracegate.provisioner.secrets.SecretSyncPlanner;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Every Secret a TempoGateway names, in its own namespace: a change to any of them may change what it needs. */
final class ReferencedSecrets {
    private ReferencedSecrets() {
    }

    static List<String> names(TempoGateway gateway) {
        return names(gateway, true);
    }

    /**
     * The Secrets to watch by name: all it names except the tenant Secrets spec.secretSync writes. Those carry the
     * provisioner's managed-by label, so the label-selected watch already sees them; one watch per tenant would
     * cost the API server a watch each (a thousand for a thousand tenants). A same-named Secret someone else made
     * is read from the API server at each reconcile instead, and refused.
     */
    static List<String> watchedByName(TempoGateway gateway) {
        return names(gateway, false);
    }

    /**
     * The OIDC Secrets these tenants name; with {@code synced} false, less those {@code secretSync} writes (see
     * {@link #watchedByName}). For a TempoGateway's own tenants, or those of the TempoStack it takes them from.
     */
    static List<String> tenantSecrets(TenantsSpec tenants, SecretSyncSpec secretSync, boolean synced) {
        if (tenants == null || tenants.authentication == null) {
            return List.of();
        }
        return tenants.authentication.stream()
                .filter(t -> t.oidc != null && t.oidc.secret != null && t.oidc.secret.name != null)
                .filter(t -> synced || !SecretSyncPlanner.receives(secretSync, t))
                .map(t -> t.oidc.secret.name)
                .distinct()
                .toList();
    }

    private static List<String> names(TempoGateway gateway, boolean synced) {
        Set<String> names = new LinkedHashSet<>();
        TempoGatewaySpec spec = gateway.getSpec();
        if (spec == null) {
            return List.of();
        }
        names.addAll(tenantSecrets(spec.tenants, spec.secretSync, synced));
        if (spec.secretSync != null && spec.secretSync.sourceSecret != null) {
            names.add(spec.secretSync.sourceSecret);
        }
        GrafanaSpec grafana = spec.grafana;
        if (grafana != null) {
            if (grafana.credentialsSecret != null && grafana.credentialsSecret.name != null) {
                names.add(grafana.credentialsSecret.name);
            }
            if (grafana.caSecret != null && grafana.caSecret.name != null) {
                names.add(grafana.caSecret.name);
            }
            DatasourceSpec ds = grafana.datasource;
            if (ds != null && ds.tokenSecret != null && ds.tokenSecret.name != null) {
                names.add(ds.tokenSecret.name);
            }
            if (ds != null && ds.caSecret != null && ds.caSecret.name != null) {
                names.add(ds.caSecret.name);
            }
        }
        return List.copyOf(names);
    }
}
