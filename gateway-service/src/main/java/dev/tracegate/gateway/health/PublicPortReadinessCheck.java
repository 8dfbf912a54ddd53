package dev.tracegate.gateway.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.quarkus.vertx.http.HttpServerStart;
import io.quarkus.vertx.http.HttpsServerStart;

/**
 * Ready once the public port listens. The probes ask on the management port, whose server Quarkus starts before the
 * public one: with TLS the gap was some 200 ms (the certificate is read first), and a pod reported ready within it
 * would be sent requests that find no listener. Quarkus tells when it listens by an asynchronous CDI event.
 */
@Readiness
@ApplicationScoped
public class PublicPortReadinessCheck implements HealthCheck {

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
                ? HealthCheckResponse.named("public-port").down().withData("reason", "not listening yet").build()
                : HealthCheckResponse.named("public-port").up().withData("scheme", scheme).build();
    }
}
