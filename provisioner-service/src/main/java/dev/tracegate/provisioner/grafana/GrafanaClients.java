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
 * CA together, so rotated credentials get a fresh client. When more connections are in use than the cache keeps,
 * the least recently used client leaves the cache; it is closed once no reconcile holds a {@link Lease} on it, so
 * that a reconcile never finds its client closed under it.
 */
@ApplicationScoped
public class GrafanaClients {

    private static final Logger LOG = Logger.getLogger(GrafanaClients.class);

    private final GrafanaConfig config;
    private final GrafanaUrlAllowList allowList;
    private final Map<GrafanaConnection, Client> clients;

    @Inject
    public GrafanaClients(GrafanaConfig config, GrafanaUrlAllowList allowList) {
        this.config = config;
        this.allowList = allowList;
        this.clients = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<GrafanaConnection, Client> eldest) {
                boolean full = size() > config.clientCacheSize();
                if (full) {
                    eldest.getValue().evict();
                }
                return full;
            }
        };
    }

    /**
     * The client for a connection, held until the lease is closed.
     *
     * @throws IllegalArgumentException when the connection's URL or CA is unusable, or the URL not allowed
     */
    public synchronized Lease lease(GrafanaConnection connection) {
        // The one door to Grafana: whatever names the connection (a spec, the last one that worked), it is checked here.
        if (!allowList.allows(connection.url())) {
            throw new IllegalArgumentException(allowList.problem("the Grafana URL", connection.url()));
        }
        Client client = clients.computeIfAbsent(connection, this::build);
        client.leases++;
        return new Lease(client);
    }

    /** A client in use by one caller; closing the lease (not the client) gives it back. */
    public final class Lease implements AutoCloseable {
        private final Client client;
        private boolean closed;

        private Lease(Client client) {
            this.client = client;
        }

        public GrafanaDatasourceApi api() {
            return client.api;
        }

        @Override
        public void close() {
            synchronized (GrafanaClients.this) {
                if (!closed) {
                    closed = true;
                    client.leases--;
                    client.closeIfUnused();
                }
            }
        }
    }

    /** A cached client; guarded by the {@code GrafanaClients} lock. */
    private static final class Client {
        final GrafanaDatasourceApi api;
        int leases;
        boolean evicted;

        Client(GrafanaDatasourceApi api) {
            this.api = api;
        }

        void evict() {
            evicted = true;
            closeIfUnused();
        }

        void closeIfUnused() {
            if (evicted && leases == 0) {
                close(api);
            }
        }
    }

    private Client build(GrafanaConnection connection) {
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
        return new Client(builder.build(GrafanaDatasourceApi.class));
    }

    /** At shutdown every client closes, leased or not. */
    @PreDestroy
    synchronized void closeAll() {
        clients.values().forEach(client -> close(client.api));
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
