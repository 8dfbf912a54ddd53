package dev.tracegate.gateway.health;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;

import dev.tracegate.gateway.tenant.Tenant;
import dev.tracegate.gateway.tenant.TenantRegistry;

/**
 * Checks in the background, every 30 seconds, that each tenant's issuer serves its OpenID metadata, so that the
 * readiness check can say which tenants can sign callers in without making a probe wait on an issuer.
 */
@ApplicationScoped
public class IssuerProbe {

    private static final long EVERY_MS = 30_000;
    private static final long TIMEOUT_MS = 5_000;

    private final Vertx vertx;
    private final TenantRegistry registry;
    private final Map<String, String> lastResult = new ConcurrentHashMap<>();
    private final Map<String, HttpClient> clientsByCa = new ConcurrentHashMap<>();
    private long timer = -1;

    public IssuerProbe(Vertx vertx, TenantRegistry registry) {
        this.vertx = vertx;
        this.registry = registry;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(1_000, EVERY_MS, id -> probeAll());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** {@code reachable}, {@code unreachable: <why>}, or {@code unknown} before the first probe. */
    public String status(Tenant tenant) {
        return lastResult.getOrDefault(key(tenant), "unknown");
    }

    void probeAll() {
        registry.current().ifPresent(c -> c.tenants().values().forEach(this::probe));
    }

    private void probe(Tenant tenant) {
        String issuer = tenant.oidc().issuerURL();
        String url = (issuer.endsWith("/") ? issuer : issuer + "/") + ".well-known/openid-configuration";
        client(tenant.oidc().issuerCAPath())
                .request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setTimeout(TIMEOUT_MS))
                .compose(req -> req.send())
                .onSuccess(res -> {
                    res.body();
                    lastResult.put(key(tenant), res.statusCode() == 200 ? "reachable"
                            : "unreachable: metadata answered HTTP " + res.statusCode());
                })
                .onFailure(t -> lastResult.put(key(tenant), "unreachable: " + t.getClass().getSimpleName()));
    }

    private HttpClient client(String caPath) {
        String key = caPath == null ? "" : caPath;
        return clientsByCa.computeIfAbsent(key, k -> {
            HttpClientOptions options = new HttpClientOptions().setKeepAlive(false);
            if (!k.isEmpty()) {
                options.setTrustOptions(new PemTrustOptions().addCertPath(k));
            }
            return vertx.createHttpClient(options);
        });
    }

    private static String key(Tenant tenant) {
        return tenant.name() + "|" + tenant.oidc().issuerURL();
    }
}
