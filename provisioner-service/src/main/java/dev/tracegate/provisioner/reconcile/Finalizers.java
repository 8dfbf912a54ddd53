package dev.tracegate.provisioner.reconcile;

import dev.tracegate.provisioner.crd.TempoGateway;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;

/** Adds and removes the cleanup finalizer that holds a deleted TempoGateway until its datasources are gone. */
@ApplicationScoped
public class Finalizers {
    private final KubernetesClient client;

    public Finalizers(KubernetesClient client) {
        this.client = client;
    }

    /** The gateway with the finalizer: unchanged if it had it, else as the API server returns it after the patch. */
    public TempoGateway ensure(TempoGateway gateway) {
        if (gateway.hasFinalizer(TempoGateway.CLEANUP_FINALIZER)) {
            return gateway;
        }
        return client.resources(TempoGateway.class).inNamespace(gateway.getMetadata().getNamespace())
                .withName(gateway.getMetadata().getName())
                .edit(latest -> {
                    latest.addFinalizer(TempoGateway.CLEANUP_FINALIZER);
                    return latest;
                });
    }

    public void remove(TempoGateway gateway) {
        if (!gateway.hasFinalizer(TempoGateway.CLEANUP_FINALIZER)) {
            return;
        }
        client.resources(TempoGateway.class).inNamespace(gateway.getMetadata().getNamespace())
                .withName(gateway.getMetadata().getName())
                .edit(latest -> {
                    latest.removeFinalizer(TempoGateway.CLEANUP_FINALIZER);
                    return latest;
                });
    }
}
