package dev.tracegate.provisioner.secrets;

import dev.tracegate.provisioner.crd.TempoGateway;
import io.fabric8.kubernetes.api.model.Secret;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the provisioner wants each tenant Secret to be, as of the last reconcile that wrote (or checked) it, so that
 * the watch event of its own write is told apart from someone else's change: an event that shows the Secret
 * exactly as wanted needs no reconcile (the one that wrote it had already acted on it; a second would cost a
 * thousand tenants' worth of Grafana calls), any other does. It compares content, not the order in which the
 * write's answer and its watch event arrive.
 */
@ApplicationScoped
public class WrittenSecrets {
    private record Wanted(TempoGateway gateway, DesiredTenantSecret desired) {
    }

    private final Map<String, Wanted> wanted = new ConcurrentHashMap<>();

    void want(TempoGateway gateway, DesiredTenantSecret desired) {
        wanted.put(gateway.getMetadata().getNamespace() + "/" + desired.name(), new Wanted(gateway, desired));
    }

    /** True when the Secret is exactly as the provisioner last wanted it (data, labels, owner). */
    public boolean isAsWanted(Secret secret) {
        Wanted w = wanted.get(key(secret));
        return w != null && TenantSecretWriter.upToDate(secret, w.gateway(), w.desired());
    }

    public void forget(Secret secret) {
        wanted.remove(key(secret));
    }

    private static String key(Secret secret) {
        return secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName();
    }
}
