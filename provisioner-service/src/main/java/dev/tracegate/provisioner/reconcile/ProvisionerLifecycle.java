package dev.tracegate.provisioner.reconcile;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.gatewayconfig.PublishedConfigs;
import dev.tracegate.provisioner.tempooperator.TenantsConfigResolver;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Wires the control loop at start-up: informer changes publish new configurations (every replica) and queue reconciles
 * (the leader); becoming the leader queues every gateway.
 */
@ApplicationScoped
public class ProvisionerLifecycle {
    private static final Logger LOG = Logger.getLogger(ProvisionerLifecycle.class);

    private final GatewayWatch watch;
    private final ReconcileQueue queue;
    private final Leadership leadership;
    private final GatewayReconciler reconciler;
    private final PublishedConfigs configs;
    private final TenantsConfigResolver tenantsConfig;

    public ProvisionerLifecycle(GatewayWatch watch, ReconcileQueue queue, Leadership leadership,
                                GatewayReconciler reconciler, PublishedConfigs configs, TenantsConfigResolver tenantsConfig) {
        this.tenantsConfig = tenantsConfig;
        this.watch = watch;
        this.queue = queue;
        this.leadership = leadership;
        this.reconciler = reconciler;
        this.configs = configs;
    }

    void onStart(@Observes StartupEvent event) {
        queue.start(reconciler::reconcile);
        configs.start(key -> {
                    Optional<TempoGateway> gateway = watch.gateway(key);
                    if (gateway.isEmpty()) {
                        // On every replica: a follower's reconcile, which would do the same, never runs.
                        reconciler.forgetGone(key);
                    }
                    return gateway.map(g -> tenantsConfig.resolve(g, watch.secrets()));
                },
                secret -> {
                    int slash = secret.indexOf('/');
                    return watch.cachedSecrets().find(secret.substring(0, slash), secret.substring(slash + 1))
                            .map(s -> s.getMetadata().getResourceVersion());
                });
        watch.start(key -> {
            configs.changed(key);
            queue.enqueue(key);
        }, (key, seen) -> {
            configs.changed(key);
            queue.enqueueUnlessSeen(key, seen);
        }, configs::changed, queue::enqueueUnlessSeen);
        leadership.start(() -> watch.gatewayKeys().forEach(queue::enqueue));
        LOG.info("Provisioner started");
    }

    void onStop(@Observes ShutdownEvent event) {
        leadership.stop();
        queue.stop();
        configs.stop();
        watch.stop();
    }
}
