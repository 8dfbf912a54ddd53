package dev.tracegate.provisioner.health;

import dev.tracegate.provisioner.reconcile.GatewayWatch;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the TempoGateway and Secret caches have been filled: before that, answers would be guesses. */
@Readiness
@ApplicationScoped
public class InformersSyncedHealthCheck implements HealthCheck {
    private final GatewayWatch watch;

    public InformersSyncedHealthCheck(GatewayWatch watch) {
        this.watch = watch;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("informers-synced").status(watch.hasSynced()).build();
    }
}
