package dev.tracegate.provisioner.grafana;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One REST client per Grafana connection, kept between reconciles. A connection is its URL, credentials, org and
 * CA together, so rotated credentials get a fresh client; the least recently used client is closed when the
 * cache is full.
 */
@ApplicationScoped
public class GrafanaClients {

    private static final Logger LOG = Logger.getLogger(GrafanaClients.class);

    private final GrafanaConfig config;
    private final Map<GrafanaConnection, GrafanaDatasourceApi> clients;

    @Inject
    public GrafanaClients(GrafanaConfig config) {
        this.config = config;
        this.clients = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<GrafanaConnection, GrafanaDatasourceApi> eldest) {
                boolean full = size() > config.clientCacheSize();
                if (full) {
                    close(eldest.getValue());
                }
                return full;
            }
        };
    }

    /** @throws IllegalArgumentException when the connection's URL or CA is unusable */
    public synchronized GrafanaDatasourceApi forConnection(GrafanaConnection connection) {
        return clients.computeIfAbsent(connection, this::build);
    }

    private GrafanaDatasourceApi build(GrafanaConnection connection) {
        if (connection.url() == null || connection.url().getScheme() == null) {
            throw new IllegalArgumentException("the Grafana URL is missing or not absolute");
        }
        LOG.debugf("new REST client for %s", connection);
        QuarkusRestClientBuilder builder = QuarkusRestClientBuilder.newBuilder()
                .baseUri(connection.url())
                .connectTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .followRedirects(false)
                // 404 and 409 are answers we act on: no exception mapping.
                .disableDefaultMapper(true)
                // Grafana gets our credentials: always verify it, whatever a global quarkus.tls.trust-all says
                // (the Kubernetes test server, for one, turns that on).
                .trustAll(false)
                .verifyHost(true)
                .register(new GrafanaAuthHeaders(connection));
        if (connection.caPem() != null && !connection.caPem().isBlank()) {
            builder.trustStore(PemTrustStore.of(connection.caPem()));
        }
        return builder.build(GrafanaDatasourceApi.class);
    }

    @PreDestroy
    synchronized void closeAll() {
        clients.values().forEach(GrafanaClients::close);
        clients.clear();
    }

    private static void close(GrafanaDatasourceApi client) {
        if (client instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debugf("closing a Grafana client failed: %s", e.getMessage());
            }
        }
    }
}
