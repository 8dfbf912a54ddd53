package dev.tracegate.gateway.tenant;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

import dev.tracegate.gateway.config.FileChecks;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.tenants.InvalidTenantsException;

/**
 * Loads the tenants document from {@code tracegate.tenants.file} and re-reads it when its content changes, as
 * {@link FileChecks} finds.
 */
@ApplicationScoped
public class TenantsFileSource {

    private static final Logger LOG = Logger.getLogger(TenantsFileSource.class);

    private final GatewayConfig config;
    private final TenantRegistry registry;
    private final FileChecks fileChecks;
    private byte[] lastSeen;
    private boolean missingReported;

    public TenantsFileSource(GatewayConfig config, TenantRegistry registry, FileChecks fileChecks) {
        this.config = config;
        this.registry = registry;
        this.fileChecks = fileChecks;
    }

    void start(@Observes StartupEvent event) {
        if (config.tenants().file().isEmpty()) {
            return;
        }
        Path file = Path.of(config.tenants().file().get());
        checkForChange(file);
        fileChecks.follow("the tenants file " + file, () -> checkForChange(file));
    }

    /** Applies the file when its bytes differ from the last ones seen (valid or not: a bad file is reported once). */
    synchronized void checkForChange(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            if (!missingReported) {
                LOG.errorf("Tenants file %s does not exist; %s", file,
                        registry.current().isPresent() ? "keeping the tenants in force" : "no tenants are served");
                missingReported = true;
            }
            lastSeen = null;
            return;
        } catch (IOException e) {
            LOG.errorf("Cannot read tenants file %s: %s", file, e.getMessage());
            return;
        }
        missingReported = false;
        if (Arrays.equals(content, lastSeen)) {
            return;
        }
        lastSeen = content;
        try {
            registry.apply(file.toString(), new String(content, StandardCharsets.UTF_8), true);
        } catch (InvalidTenantsException e) {
            // TenantRegistry has logged and counted it; the last good configuration keeps serving.
        } catch (RuntimeException e) {
            LOG.errorf("Could not apply tenants file %s: %s", file, e.toString());
        }
    }
}
