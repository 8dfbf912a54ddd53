package dev.tracegate.provisioner.secrets;

import dev.tracegate.provisioner.crd.SecretSyncSpec;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.crd.TenantAuthentication;
import dev.tracegate.provisioner.gatewayconfig.GatewayConfigResolver;
import dev.tracegate.provisioner.kube.SecretData;
import dev.tracegate.provisioner.kube.SecretLookup;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Computes which tenant Secrets should hold what, from spec.secretSync and its source Secret. Writes nothing. */
public final class SecretSyncPlanner {
    private SecretSyncPlanner() {
    }

    public static SecretSyncPlan plan(TempoGateway gateway, SecretLookup secrets) {
        Set<String> referenced = new LinkedHashSet<>();
        // Tenants without OIDC (a TempoStack in mode openshift) read no Secret.
        gateway.getSpec().tenants.authentication.stream().filter(SecretSyncPlanner::hasSecret).forEach(t -> referenced.add(t.oidc.secret.name));
        SecretSyncSpec sync = gateway.getSpec().secretSync;
        if (sync == null) {
            return new SecretSyncPlan(false, List.of(), null, referenced);
        }
        Optional<Secret> source = secrets.find(gateway.getMetadata().getNamespace(), sync.sourceSecret);
        if (source.isEmpty()) {
            return new SecretSyncPlan(true, List.of(), "source Secret " + sync.sourceSecret + " not found", referenced);
        }
        List<String> idKeys = sync.clientIDKey != null ? List.of(sync.clientIDKey) : SecretSyncSpec.DEFAULT_CLIENT_ID_KEYS;
        List<String> secretKeys = sync.clientSecretKey != null ? List.of(sync.clientSecretKey) : SecretSyncSpec.DEFAULT_CLIENT_SECRET_KEYS;
        Optional<Map.Entry<String, String>> clientId = SecretData.first(source.get(), idKeys);
        Optional<Map.Entry<String, String>> clientSecret = SecretData.first(source.get(), secretKeys);
        if (clientId.isEmpty() || clientSecret.isEmpty()) {
            List<String> absent = new ArrayList<>();
            if (clientId.isEmpty()) {
                absent.add(String.join(" or ", idKeys));
            }
            if (clientSecret.isEmpty()) {
                absent.add(String.join(" or ", secretKeys));
            }
            return new SecretSyncPlan(true, List.of(), "source Secret " + sync.sourceSecret + " has no key " + String.join(", no key ", absent), referenced);
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put(GatewayConfigResolver.CLIENT_ID, clientId.get().getValue());
        values.put(GatewayConfigResolver.CLIENT_SECRET, clientSecret.get().getValue());
        if (sync.issuerCAPathKey != null) {
            SecretData.get(source.get(), sync.issuerCAPathKey).ifPresent(v -> values.put(GatewayConfigResolver.ISSUER_CA_PATH, v));
        }
        // Tenants sharing one Secret name get one Secret.
        Map<String, List<String>> tenantsBySecret = new LinkedHashMap<>();
        for (TenantAuthentication tenant : gateway.getSpec().tenants.authentication) {
            if (receives(sync, tenant) && hasSecret(tenant)) {
                tenantsBySecret.computeIfAbsent(tenant.oidc.secret.name, n -> new ArrayList<>()).add(tenant.tenantName);
            }
        }
        List<DesiredTenantSecret> desired = new ArrayList<>();
        tenantsBySecret.forEach((name, tenants) -> desired.add(new DesiredTenantSecret(name, List.copyOf(tenants), Map.copyOf(values))));
        return new SecretSyncPlan(true, desired, null, referenced);
    }

    private static boolean hasSecret(TenantAuthentication tenant) {
        return tenant.oidc != null && tenant.oidc.secret != null && tenant.oidc.secret.name != null;
    }

    /** Whether secretSync covers the tenant: its list names it, or the list is empty. */
    public static boolean receives(SecretSyncSpec sync, TenantAuthentication tenant) {
        return sync != null && (sync.tenants == null || sync.tenants.isEmpty() || sync.tenants.contains(tenant.tenantName));
    }
}
