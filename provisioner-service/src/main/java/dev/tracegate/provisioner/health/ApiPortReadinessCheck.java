package dev.tracegate.provisioner.health;

import io.quarkus.vertx.http.HttpServerStart;
import io.quarkus.vertx.http.HttpsServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the API port (where gateways fetch their configuration) listens. The probes ask on the management port,
 * whose server Quarkus starts first; with TLS the API port opens after its certificate is read. A pod reported ready
 * in between would be sent gateways' requests that find no listener. Quarkus tells when it listens by an
 * asynchronous CDI event. (The gateway has the same check for its public port.)
 */
@Readiness
@ApplicationScoped
public class ApiPortReadinessCheck implements HealthCheck {
    private volatile String listening;

    void httpListening(@ObservesAsync HttpServerStart started) {
        listening = "http";
    }

    void httpsListening(@ObservesAsync HttpsServerStart started) {
        listening = "https";
    }

    @Override
    public HealthCheckResponse call() {
        String scheme = listening;
        return scheme == null
                ? HealthCheckResponse.named("api-port").down().withData("reason", "not listening yet").build()
                : HealthCheckResponse.named("api-port").up().withData("scheme", scheme).build();
    }
}
