package dev.tracegate.provisioner.status;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.crd.TempoGatewayStatus;
import dev.tracegate.provisioner.kube.WriteResult;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;

/** Writes a TempoGateway's status through the status subresource, and only when it changed. */
@ApplicationScoped
public class StatusWriter {
    private final KubernetesClient client;

    public StatusWriter(KubernetesClient client) {
        this.client = client;
    }

    public WriteResult write(TempoGateway gateway, TempoGatewayStatus status) {
        if (status.equals(gateway.getStatus())) {
            return WriteResult.UNCHANGED;
        }
        // A copy: the informer's cached object must never be changed in place.
        TempoGateway copy = new TempoGateway();
        copy.setMetadata(new ObjectMetaBuilder(gateway.getMetadata()).build());
        copy.setSpec(gateway.getSpec());
        copy.setStatus(status);
        // The resourceVersion makes this a compare-and-set: a conflict fails the reconcile, which is retried.
        client.resources(TempoGateway.class).inNamespace(gateway.getMetadata().getNamespace()).resource(copy).updateStatus();
        return WriteResult.UPDATED;
    }
}
