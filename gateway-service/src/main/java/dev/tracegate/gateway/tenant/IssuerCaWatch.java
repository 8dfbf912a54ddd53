package dev.tracegate.gateway.tenant;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.tracegate.gateway.config.GatewayConfig;

/**
 * Checks the tenants' issuer CA files ({@code issuerCAPath}) for changes every {@code tracegate.tenants.file-check-
 * interval}, whatever the source of tenants, and has the registry apply its last document again when one changed.
 * Polled, as the tenants file is: Kubernetes swaps a mounted Secret's files through symlinks, which file watchers miss.
 */
@ApplicationScoped
public class IssuerCaWatch {

    private static final Logger LOG = Logger.getLogger(IssuerCaWatch.class);

    private final GatewayConfig config;
    private final TenantRegistry registry;
    private ScheduledExecutorService poller;

    public IssuerCaWatch(GatewayConfig config, TenantRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    void start(@Observes StartupEvent event) {
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "issuer-ca-watch");
            t.setDaemon(true);
            return t;
        });
        long every = config.tenants().fileCheckInterval().toMillis();
        poller.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    private void check() {
        try {
            registry.reapplyIfIssuerCasChanged();
        } catch (RuntimeException e) {
            // An exception would end the scheduled checks for good.
            LOG.errorf("Could not check the issuer CA files: %s", e.toString());
        }
    }
}
