package dev.tracegate.provisioner.tempooperator;

import dev.tracegate.provisioner.gatewayconfig.PublishedConfigs;
import dev.tracegate.provisioner.reconcile.GatewayWatch;
import dev.tracegate.provisioner.reconcile.ReconcileQueue;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A change to a watched TempoStack or TempoMonolithic reconciles (and republishes the configuration of) the
 * TempoGateways naming it, and updates which of its tenants' Secrets are watched.
 */
@ApplicationScoped
public class TempoResourceWiring {
    private final TempoResourceWatch tempoResources;
    private final GatewayWatch gateways;
    private final ReconcileQueue queue;
    private final PublishedConfigs configs;

    public TempoResourceWiring(TempoResourceWatch tempoResources, GatewayWatch gateways, ReconcileQueue queue, PublishedConfigs configs) {
        this.tempoResources = tempoResources;
        this.gateways = gateways;
        this.queue = queue;
        this.configs = configs;
    }

    void onStart(@Observes StartupEvent event) {
        tempoResources.onChange(ref -> {
            // Its tenants' Secrets are watched like those a TempoGateway names: a rotation of one republishes.
            gateways.followNamedSecrets();
            gateways.gatewayKeys().stream()
                    .filter(key -> gateways.gateway(key).flatMap(TempoResourceWatch.Ref::of).filter(ref::equals).isPresent())
                    .forEach(key -> {
                        configs.changed(key);
                        queue.enqueue(key);
                    });
        });
    }
}
